"""Alerts, joint cases and handovers printed with their timelines, as a page and as a PDF made by
WeasyPrint, in the reader's language: persons in every rendering, units by name, the same scoping
as the record's page (outsiders get 404) and the print audited as a read of the person record."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.integration.alerts.test_alerts_flow import WANTED
from tests.support.printed import pdf_objects, pdf_title
from tests.support.two_nodes import Pair, browser, token_headers

from borderlink.audit.models import AuditEntry
from borderlink.web.i18n import translator

CASE: dict[str, Any] = {
    "title": "Heroin route Móng Cái – Dongxing", "case_type": "drug_trafficking", "offence_codes": ["06012"],
    "summary": "Couriers carry heroin across the Ka Long river by night.",
    "unit_codes": ["CN-GX", "CN-GX-DONGXING", "VN-QN-MONGCAI"],
}
HANDOVER_PERSON = {"name": "陈大龙", "other_names": ["CHEN DALONG"], "birth_date": "1979-03-02",
                   "nationality": "CHN", "gender": "M"}


def _api(pair: Pair, clients: dict[str, TestClient], party: str, user: str, path: str, body: dict[str, Any]) -> Any:
    response = clients[party].post(f"/api/v1{path}", json=body, headers=token_headers(pair, party, user))
    assert response.status_code == 201, response.text
    return response.json()


def _reads(pair: Pair, party: str, object_id: str) -> int:
    with pair.node(party).transaction() as session:
        return session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "read", AuditEntry.object_id == object_id)) or 0


def assert_pdf(client: TestClient, path: str, filename: str, title_part: str) -> bytes:
    pdf = client.get(path)
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith(f'attachment; filename="{filename}"')
    assert pdf.headers["x-content-type-options"] == "nosniff"
    assert pdf.content.startswith(b"%PDF-")
    assert title_part in pdf_title(pdf.content)
    return pdf.content


def test_an_alert_prints_in_chinese_with_the_name_in_every_rendering(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    alert = _api(pair, clients, "CN", "nia.analyst", "/alerts", WANTED)
    pair.pump()
    officer = browser(pair, "VN", "mongcai.officer")
    detail = officer.get(f"/alerts/{alert['id']}")
    assert detail.status_code == 200
    assert f'href="/alerts/{alert["id"]}/print"' in detail.text

    page = officer.get(f"/alerts/{alert['id']}/print?lang=zh_Hans")
    assert page.status_code == 200
    assert "王晓红 · Wáng Xiǎohóng · Vương Hiểu Hồng" in page.text
    assert "国家移民管理局" in page.text  # the issuing unit by name
    assert "(CN-NIA)" in page.text  # and its code beside it, as paper has no tooltips
    assert f"<h2>{translator('zh_Hans')('Timeline')}</h2>" in page.text  # headings in Chinese
    assert f'href="/alerts/{alert["id"]}/print.pdf"' in page.text

    reads = _reads(pair, "VN", alert["id"])
    pdf = assert_pdf(officer, f"/alerts/{alert['id']}/print.pdf?lang=zh_Hans", f"alert-{alert['id']}.pdf", "王晓红")
    assert _reads(pair, "VN", alert["id"]) == reads + 1  # printing is a read of the person record
    objects = pdf_objects(pdf)
    assert b"WenQuanYi" in objects
    assert b"DejaVu" in objects

    vietnamese = officer.get(f"/alerts/{alert['id']}/print?lang=vi")
    assert "Vương Hiểu Hồng" in vietnamese.text
    assert f"<h2>{translator('vi')('Timeline')}</h2>" in vietnamese.text

    # Sent to Móng Cái only: Lào Cai's officer finds neither its page nor its print.
    narrow = _api(pair, clients, "CN", "nia.analyst", "/alerts", {
        **WANTED, "person": {"names": ["李明"], "birth_date": "1990-05-01", "gender": "M", "nationality": "CHN"},
        "distribution": ["VN-QN-MONGCAI"]})
    pair.pump()
    assert officer.get(f"/alerts/{narrow['id']}/print").status_code == 200
    outsider = browser(pair, "VN", "laocai.officer")
    for path in (f"/alerts/{narrow['id']}", f"/alerts/{narrow['id']}/print", f"/alerts/{narrow['id']}/print.pdf"):
        assert outsider.get(path).status_code == 404, path


def test_a_case_and_a_handover_print_in_the_readers_language(pair: Pair, clients: dict[str, TestClient]) -> None:
    case = _api(pair, clients, "VN", "qn.commander", "/cases", CASE)
    _api(pair, clients, "VN", "qn.commander", f"/cases/{case['id']}/persons",
         {"role": "suspect", "name": "王晓红", "birth_date": "1988-03-14", "nationality": "CHN"})
    pair.pump()
    handover = _api(pair, clients, "VN", "qn.commander", "/handovers", {
        "kind": "fugitive", "case_id": case["id"], "gate_code": "VN-QN-MONGCAI", "planned_at": "2026-11-03T02:00:00Z",
        "persons": [HANDOVER_PERSON], "escorts": ["Nguyễn Văn An"],
        "checklist": [{"item": "passport E12345678", "kind": "document"}]})
    pair.pump()

    dongxing = browser(pair, "CN", "dongxing.officer")
    assert f'href="/cases/{case["id"]}/print"' in dongxing.get(f"/cases/{case['id']}").text
    case_page = dongxing.get(f"/cases/{case['id']}/print?lang=zh_Hans")
    assert case_page.status_code == 200
    assert "Heroin route Móng Cái – Dongxing" in case_page.text
    assert "芒街国际口岸边防站" in case_page.text  # a participating unit by name, in Chinese
    assert "(VN-QN-MONGCAI)" in case_page.text
    assert "王晓红 · Wáng Xiǎohóng · Vương Hiểu Hồng" in case_page.text  # a person in every rendering
    assert_pdf(dongxing, f"/cases/{case['id']}/print.pdf?lang=zh_Hans", f"case-{case['id']}.pdf", "Heroin route")

    assert f'href="/handovers/{handover["id"]}/print"' in dongxing.get(f"/handovers/{handover['id']}").text
    handover_page = dongxing.get(f"/handovers/{handover['id']}/print?lang=zh_Hans")
    assert handover_page.status_code == 200
    assert "陈大龙 · Chén Dàlóng · Trần Đại Long" in handover_page.text
    assert "2026-11-03 09:00 (UTC+07:00)" in handover_page.text  # both sides' clocks
    assert "2026-11-03 10:00 (UTC+08:00)" in handover_page.text
    assert "东兴" in handover_page.text  # the receiving gate by name
    reads = _reads(pair, "CN", handover["id"])
    assert_pdf(dongxing, f"/handovers/{handover['id']}/print.pdf?lang=vi", f"handover-{handover['id']}.pdf",
               "Bàn giao")
    assert _reads(pair, "CN", handover["id"]) == reads + 1

    english = browser(pair, "VN", "mongcai.officer").get(f"/handovers/{handover['id']}/print?lang=en")
    assert "<h2>Timeline</h2>" in english.text
    assert "Móng Cái" in english.text

    for outsider in (browser(pair, "CN", "hekou.officer"), browser(pair, "VN", "laocai.officer")):
        for path in (f"/cases/{case['id']}/print", f"/cases/{case['id']}/print.pdf",
                     f"/handovers/{handover['id']}/print", f"/handovers/{handover['id']}/print.pdf"):
            assert outsider.get(path).status_code == 404, path
