"""A request printed with its timeline, as a page and as a PDF made by WeasyPrint, in the reader's
language: Chinese set in WenQuanYi Zen Hei, units and offences by name."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.integration.hotline.conftest import Pair, browser, token_headers
from tests.support.printed import pdf_objects

REQUEST = {
    "kind": "assistance", "assistance_type": "locate_person", "subject": "Tìm đối tượng Vương Hiểu Hồng",
    "body": "Đề nghị xác minh nơi ở của đối tượng.", "priority": "high", "offence_code": "06012",
    "handling_code": "H0", "recipient_unit_code": "CN-GX-DONGXING",
    "references": [{"type": "person", "name": "Vương Hiểu Hồng"}],
}


def test_request_prints_as_a_page_and_a_pdf_in_the_readers_language(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    created = clients["VN"].post("/api/v1/hotline/requests", json=REQUEST,
                                 headers=token_headers(pair, "VN", "mongcai.officer"))
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    pair.pump()
    dongxing = browser(pair, "CN", "dongxing.officer")
    dongxing.post(f"/hotline/requests/{request_id}/acknowledge")

    page = dongxing.get(f"/hotline/requests/{request_id}/print?lang=zh_Hans")
    assert page.status_code == 200
    assert "芒街国际口岸边防站" in page.text  # the sending unit by name
    assert 'title="VN-QN-MONGCAI"' in page.text  # its code as a tooltip
    assert "已确认" in page.text or "确认" in page.text  # the timeline's steps in Chinese
    assert f'href="/hotline/requests/{request_id}/print.pdf"' in page.text

    pdf = dongxing.get(f"/hotline/requests/{request_id}/print.pdf?lang=zh_Hans")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith(f'attachment; filename="hotline-request-{request_id}.pdf"')
    assert pdf.content.startswith(b"%PDF-")
    objects = pdf_objects(pdf.content)
    assert b"WenQuanYi" in objects  # the Chinese glyphs are embedded from the CJK font
    assert b"DejaVu" in objects  # and the Vietnamese text from a Latin font

    # Hidden requests print nothing.
    outsider = browser(pair, "CN", "hekou.officer")
    assert outsider.get(f"/hotline/requests/{request_id}/print.pdf").status_code == 404
