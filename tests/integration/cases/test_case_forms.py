"""The work forms on a case's page, as people post them: units and the agreement's extension,
evidence with its file and custody, assets, an intercepted group, links checked against what the
poster may see, and a task marked done. A refused form answers in the reader's language beside
its input and keeps what was typed."""

from __future__ import annotations

import hashlib
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.cases.conftest import Pair, api, open_case
from tests.support.two_nodes import browser

from borderlink.audit.models import AuditEntry


def test_the_owner_adds_a_unit_and_extends_the_agreement(pair: Pair, clients: dict[str, TestClient]) -> None:
    case = open_case(pair, clients)
    page = browser(pair, "VN", "qn.commander")
    path = f"/cases/{case['id']}"
    twice = page.post(f"{path}/units?lang=en", data={"unit_code": "CN-GX-DONGXING"})
    assert twice.status_code == 422
    assert "CN-GX-DONGXING is on the case already." in twice.text
    added = page.post(f"{path}/units", data={"unit_code": "CN-NIA"})
    assert added.status_code == 303, added.text
    early = page.post(f"{path}/agreement?lang=vi", data={"until": "2027-01-31", "reason": "Thêm thời gian"})
    assert early.status_code == 422
    assert "Thêm thời gian" in early.text  # what was typed stays
    assert 'id="until-error"' in early.text
    assert page.post(f"{path}/agreement", data={"until": "2027-10-31", "reason": "More couriers found"}
                     ).status_code == 303
    pair.pump()
    seen = api(pair, clients, "CN", "gx.commander", "GET", path)
    assert seen["jit"]["ends_on"] == "2027-10-31"
    assert "CN-NIA" in [u["unit_code"] for u in seen["units"]]
    # The other side neither adds units nor extends the owner's agreement.
    cn = browser(pair, "CN", "gx.commander")
    assert f"{path}/agreement" not in cn.get(path).text
    refused = cn.post(f"{path}/agreement?lang=zh_Hans", data={"until": "2028-01-31"})
    assert refused.status_code == 422
    assert "只有立案方才能记录协议。" in refused.text


def test_evidence_keeps_its_file_and_the_sha256_of_its_bytes(pair: Pair, clients: dict[str, TestClient]) -> None:
    case = open_case(pair, clients)
    path = f"/cases/{case['id']}"
    api(pair, clients, "VN", "qn.commander", "POST", f"{path}/persons", 201,
        json={"role": "suspect", "name": "陈大龙", "birth_date": "1979-03-02"})
    page = browser(pair, "VN", "qn.commander")
    content = b"\x89PNG\r\n\x1a\n" + b"scale photo of the seized bags" * 10
    refused = page.post(f"{path}/evidence?lang=en", data={"item": "Photo of the bags", "holder": ""})
    assert refused.status_code == 422
    assert "Photo of the bags" in refused.text
    logged = page.post(f"{path}/evidence", data={"item": "Photo of the bags", "holder": "Móng Cái evidence room"},
                       files={"file": ("bags.png", content, "image/png")})
    assert logged.status_code == 303, logged.text
    item = api(pair, clients, "VN", "qn.commander", "GET", path)["evidence"][0]
    assert item["sha256"] == hashlib.sha256(content).hexdigest()
    assert item["files"][0]["sha256"] == item["sha256"]
    download = page.get(item["files"][0]["href"] + "?download=1")
    assert download.status_code == 200
    assert download.content == content
    with pair.vn.transaction() as session:
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "download",
                                                           AuditEntry.object_id == item["files"][0]["id"])).all()
        assert len(audited) == 1  # the case names a person: the file is person-bearing
    # An outsider cannot open the file.
    assert browser(pair, "VN", "laocai.officer").get(item["files"][0]["href"]).status_code == 404
    # The hash given with the file must be the file's.
    wrong = page.post(f"{path}/evidence?lang=en", data={"item": "Ledger", "holder": "Móng Cái evidence room",
                                                       "sha256": "0" * 64},
                      files={"file": ("ledger.pdf", b"%PDF-1.4 ledger", "application/pdf")})
    assert wrong.status_code == 422
    assert "The file&#39;s SHA-256 is not the one given." in wrong.text
    passed = page.post(f"{path}/evidence/{item['id']}/custody", data={"to_holder": "Quảng Ninh forensic lab",
                                                                       "purpose": "analysis"})
    assert passed.status_code == 303
    pair.pump()
    replica = api(pair, clients, "CN", "gx.commander", "GET", path)["evidence"][0]
    assert (replica["sha256"], replica["holder"]) == (item["sha256"], "Quảng Ninh forensic lab")
    assert [c["to_holder"] for c in replica["custody"]] == ["Quảng Ninh forensic lab"]
    # The file went with the item, under the same id: the other side opens the same bytes.
    assert [(f["id"], f["sha256"]) for f in replica["files"]] == [(item["files"][0]["id"], item["sha256"])]
    cn = browser(pair, "CN", "gx.commander")
    assert cn.get(item["files"][0]["href"] + "?download=1").content == content
    # And a file the other side logs reaches the owner.
    scan = b"%PDF-1.4 receipt of the seized cash"
    assert cn.post(f"{path}/evidence", data={"item": "现金收据 / biên nhận tiền mặt", "holder": "东兴市公安局"},
                   files={"file": ("receipt.pdf", scan, "application/pdf")}).status_code == 303
    pair.pump()
    owner = api(pair, clients, "VN", "qn.commander", "GET", path)["evidence"][1]
    assert owner["sha256"] == hashlib.sha256(scan).hexdigest()
    assert page.get(owner["files"][0]["href"] + "?download=1").content == scan


def test_assets_and_an_intercepted_group_of_twelve(pair: Pair, clients: dict[str, TestClient]) -> None:
    case = open_case(pair, clients, case_type="illegal_immigration", offence_codes=["08051"])
    path = f"/cases/{case['id']}"
    cn = browser(pair, "CN", "gx.commander")
    bad = cn.post(f"{path}/assets?lang=zh_Hans", data={"description": "现金", "status": "seized", "value": "12,000",
                                                     "currency": "cny", "held_by": "CN"})
    assert bad.status_code == 422
    assert 'value="12,000"' in bad.text
    assert cn.post(f"{path}/assets", data={"description": "现金", "status": "seized", "value": "12000",
                                           "currency": "cny", "held_by": "CN"}).status_code == 303
    uneven = cn.post(f"{path}/immigration-groups?lang=en", data={
        "intercepted_at": "2026-11-02T03:30", "place": "Ka Long river, Dongxing", "side": "CN", "people": "12",
        "minors": "3", "breakdown": "VNM F 7\nVNM M 4", "outcome": "returned", "return_gate_code": "CN-GX-DONGXING",
        "organisers_prosecuted": "1"})
    assert uneven.status_code == 422
    assert "The counts by nationality and sex add up to 12 people." in uneven.text
    assert "VNM M 4" in uneven.text
    made = cn.post(f"{path}/immigration-groups", data={
        "intercepted_at": "2026-11-02T03:30", "place": "Ka Long river, Dongxing", "side": "CN", "people": "12",
        "minors": "3", "breakdown": "VNM F 7\nVNM M 5", "outcome": "returned", "return_gate_code": "CN-GX-DONGXING",
        "organisers_prosecuted": "1"})
    assert made.status_code == 303, made.text
    pair.pump()
    shown = api(pair, clients, "VN", "qn.commander", "GET", path)
    assert [(a["value"], a["currency"], a["held_by"]) for a in shown["assets"]] == [("12000", "CNY", "CN")]
    group = shown["immigration_groups"][0]
    assert (group["people"], group["minors"], group["intercepted_at"]) == (12, 3, "2026-11-01T19:30:00Z")
    figures = api(pair, clients, "VN", "qn.commander", "GET", "/cases/immigration-figures")
    assert figures["text"] == "1 illegal immigration cases involving 12 people"


def test_links_are_checked_against_what_the_poster_may_see(pair: Pair, clients: dict[str, TestClient]) -> None:
    case = open_case(pair, clients)
    path = f"/cases/{case['id']}"
    alert = api(pair, clients, "VN", "qn.commander", "POST", "/alerts", 201, json={
        "kind": "wanted", "person": {"names": ["陈大龙"], "birth_date": "1979-03-02", "gender": "M"},
        "offence_code": "06012", "legal_basis": {"reference": "QĐ-12", "authority": "Công an tỉnh Quảng Ninh",
                                                 "date": "2026-10-01"}})
    page = browser(pair, "VN", "qn.commander")
    missing = page.post(f"{path}/links?lang=zh_Hans", data={"link_type": "alert",
                                                          "target_id": "0190a0a0-0000-7000-8000-000000000000"})
    assert missing.status_code == 422
    assert "没有该通报，或您无权查看。" in missing.text
    assert 'id="target_id-error"' in missing.text
    api(pair, clients, "VN", "qn.commander", "POST", f"{path}/links", 422,
        json={"link_type": "hotline_request", "target_id": alert["id"]})
    api(pair, clients, "VN", "qn.commander", "POST", f"{path}/links", 422,
        json={"link_type": "hit", "target_id": alert["id"]})
    linked = page.post(f"{path}/links", data={"link_type": "alert", "target_id": alert["id"]})
    assert linked.status_code == 303
    shown = page.get(path + "?lang=en").text
    assert f'<a href="/alerts/{alert["id"]}">陈大龙</a>' in shown


def test_the_assigned_unit_marks_its_task_done(pair: Pair, clients: dict[str, TestClient]) -> None:
    case = open_case(pair, clients)
    path = f"/cases/{case['id']}"
    made = api(pair, clients, "VN", "qn.commander", "POST", f"{path}/tasks", 201,
               json={"assigned_unit_code": "CN-GX-DONGXING", "title": "Identify the buyer's phones",
                     "deadline_at": "2026-11-09T00:00:00Z"})
    task_id = made["tasks"][0]["id"]
    pair.pump()
    assert f"/tasks/{task_id}/done" not in browser(pair, "VN", "qn.commander").get(path).text
    officer = browser(pair, "CN", "dongxing.officer")
    assert re.search(rf'action="{path}/tasks/{task_id}/done"', officer.get(path).text)
    assert officer.post(f"{path}/tasks/{task_id}/done", data={}).status_code == 303
    pair.pump()
    assert api(pair, clients, "VN", "qn.commander", "GET", path)["tasks"][0]["status"] == "done"


def test_a_refused_form_keeps_its_input_and_its_error_to_itself(pair: Pair, clients: dict[str, TestClient]) -> None:
    case = open_case(pair, clients)
    path = f"/cases/{case['id']}"
    page = browser(pair, "VN", "qn.commander")
    refused = page.post(f"{path}/operations?lang=vi", data={
        "kind": "raid", "on_date": "", "place": "Hải Hòa, Móng Cái", "arrested": "-1", "rescued": "0"})
    assert refused.status_code == 422
    assert 'value="Hải Hòa, Móng Cái"' in refused.text
    assert 'id="arrested-error"' in refused.text
    person = page.post(f"{path}/persons?lang=zh_Hans", data={"role": "suspect", "name": "陈大龙",
                                                            "nationality": "china"})
    assert person.status_code == 422
    assert 'value="陈大龙"' in person.text
    assert 'value="china"' in person.text
    # The agreement's "reason" error stays with the agreement's form, not the status form's "reason".
    early = page.post(f"{path}/agreement?lang=en", data={"until": "2026-12-01", "reason": "x" * 600})
    assert early.status_code == 422
    assert early.text.count('id="reason-error"') == 1
    assert early.text.count('aria-describedby="reason-error"') == 1
    assert 'id="reason" name="reason" required maxlength="500" value=""' in early.text
