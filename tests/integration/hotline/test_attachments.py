"""Files on objects through the shared attachment routes: several per request, served with a type
read from their bytes, hidden with their object, and every download of a person's file audited."""

from __future__ import annotations

import base64
import hashlib

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.hotline.conftest import Pair, browser

from borderlink.audit.models import AuditEntry
from borderlink.shared import attachments

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
HTML_AS_PNG = b"<html><script>alert(1)</script></html>"


def _file(name: str, content_type: str, data: bytes) -> dict[str, str]:
    return {"filename": name, "content_type": content_type, "content_base64": base64.b64encode(data).decode()}


def _request(client: TestClient, *, person: bool) -> dict[str, object]:
    body = {
        "kind": "information", "subject": "Photos from the crossing", "priority": "normal",
        "body": "Three files of the crossing.", "offence_code": "06012", "handling_code": "H1",
        "recipient_unit_code": "CN-GX-DONGXING",
        "references": [{"type": "person", "name": "Nguyễn Văn Bình"}] if person else [],
        "attachments": [_file("ảnh cửa khẩu.png", "image/png", PNG), _file("report.pdf", "application/pdf", PDF),
                        _file("trap.png", "image/png", HTML_AS_PNG)],
    }
    response = client.post("/api/v1/hotline/requests", json=body)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def test_several_files_per_request_are_served_safely(pair: Pair) -> None:
    officer = browser(pair, "VN", "mongcai.officer")
    created = _request(officer, person=False)
    files = {f["filename"]: f for f in officer.get(
        f"/api/v1/attachments/hotline.request/{created['id']}").json()}
    assert set(files) == {"ảnh cửa khẩu.png", "report.pdf", "trap.png"}
    assert [a["id"] for a in created["attachments"]] == [files[n]["id"] for n in
                                                         ("ảnh cửa khẩu.png", "report.pdf", "trap.png")]
    assert files["report.pdf"]["sha256"] == hashlib.sha256(PDF).hexdigest()

    image = officer.get(f"/attachments/{files['ảnh cửa khẩu.png']['id']}")
    assert image.status_code == 200
    assert image.content == PNG
    assert image.headers["content-type"] == "image/png"
    assert image.headers["x-content-type-options"] == "nosniff"
    assert image.headers["content-disposition"] == (
        "inline; filename=\"_nh c_a kh_u.png\"; filename*=UTF-8''%E1%BA%A3nh%20c%E1%BB%ADa%20kh%E1%BA%A9u.png")

    pdf = officer.get(f"/attachments/{files['report.pdf']['id']}")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["x-frame-options"] == "SAMEORIGIN"
    saved = officer.get(f"/attachments/{files['report.pdf']['id']}?download=1")
    assert saved.headers["content-disposition"].startswith("attachment; filename=\"report.pdf\"")

    # Declared an image, but HTML: it is never shown, only saved, and runs nothing if opened.
    trap = officer.get(f"/attachments/{files['trap.png']['id']}")
    assert trap.headers["content-type"] == "application/octet-stream"
    assert trap.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in trap.headers["content-security-policy"]
    assert files["trap.png"]["served_as"] == "application/octet-stream"

    page = officer.get(f"/hotline/requests/{created['id']}")
    assert f'src="/attachments/{files["ảnh cửa khẩu.png"]["id"]}"' in page.text
    assert f'data-src="/attachments/{files["report.pdf"]["id"]}"' in page.text


def test_files_are_hidden_with_their_object(pair: Pair) -> None:
    created = _request(browser(pair, "VN", "mongcai.officer"), person=False)
    file_id = created["attachments"][0]["id"]  # type: ignore[index]
    outsider = browser(pair, "VN", "laocai.officer")
    assert outsider.get(f"/attachments/{file_id}").status_code == 404
    assert outsider.get(f"/api/v1/attachments/files/{file_id}").status_code == 404
    assert outsider.get(f"/api/v1/attachments/hotline.request/{created['id']}").status_code == 404
    assert outsider.get("/attachments/no-such-file").status_code == 404
    # The province above sees what its posts hold.
    assert browser(pair, "VN", "qn.commander").get(f"/api/v1/attachments/files/{file_id}").status_code == 200
    # Across the border the files arrived with the request, under the same ids and bytes.
    pair.pump()
    dongxing = browser(pair, "CN", "dongxing.officer").get(f"/api/v1/attachments/files/{file_id}")
    assert dongxing.status_code == 200
    assert dongxing.content == PNG


def test_hotline_files_cannot_be_added_after_the_request_left(pair: Pair) -> None:
    officer = browser(pair, "VN", "mongcai.officer")
    created = _request(officer, person=False)
    late = officer.post(f"/api/v1/attachments/hotline.request/{created['id']}",
                        json=_file("late.png", "image/png", PNG))
    assert late.status_code == 403
    assert officer.post("/api/v1/attachments/nothing.here/x", json=_file("a.png", "image/png", PNG)).status_code == 404


def _downloads(pair: Pair, file_id: str) -> list[AuditEntry]:
    with pair.node("VN").transaction() as session:
        return list(session.scalars(select(AuditEntry).where(
            AuditEntry.action == "download", AuditEntry.object_id == file_id)))


@pytest.mark.parametrize("person", [True, False])
def test_every_download_of_a_persons_file_is_audited(pair: Pair, person: bool) -> None:
    officer = browser(pair, "VN", "mongcai.officer")
    created = _request(officer, person=person)
    file_id = str(created["attachments"][1]["id"])  # type: ignore[index]
    officer.get(f"/attachments/{file_id}")
    officer.get(f"/api/v1/attachments/files/{file_id}")
    entries = _downloads(pair, file_id)
    if not person:
        assert entries == []
        return
    assert len(entries) == 2
    assert {e.actor_label for e in entries} == {"mongcai.officer@VN-QN-MONGCAI"}
    assert all(e.object_type == attachments.AUDIT_OBJECT_TYPE and "report.pdf" in (e.detail or "") for e in entries)


def test_served_type_comes_from_the_bytes() -> None:
    assert attachments.served_content_type(PNG) == "image/png"
    assert attachments.served_content_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert attachments.served_content_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert attachments.served_content_type(b"<svg xmlns='http://www.w3.org/2000/svg'/>") == "application/octet-stream"
    assert attachments.content_disposition('a"b;c.txt', inline=False).startswith('attachment; filename="a_b_c.txt"')


def test_the_new_request_form_takes_several_files(pair: Pair) -> None:
    client = browser(pair, "VN", "mongcai.officer")
    sent = client.post("/hotline/new", data={
        "kind": "information", "subject": "Hai tệp", "body": "Ảnh và báo cáo.", "priority": "normal",
        "offence_code": "06012", "handling_code": "H1", "recipient_unit_code": "CN-GX-DONGXING",
    }, files=[("attachment", ("a.png", PNG, "image/png")), ("attachment", ("b.pdf", PDF, "application/pdf"))])
    assert sent.status_code == 303, sent.text
    request_id = sent.headers["location"].split("?")[0].rsplit("/", 1)[-1]
    listed = client.get(f"/api/v1/attachments/hotline.request/{request_id}").json()
    assert [(f["filename"], f["served_as"]) for f in listed] == [("a.png", "image/png"), ("b.pdf", "application/pdf")]
