"""The cases pages in the three languages: list, new-case form with its refusals, a case's detail
with its forms, and a handover's detail with the steps of the reader's side."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from tests.integration.cases.conftest import Pair, open_case
from tests.integration.cases.test_handover import propose
from tests.support.two_nodes import browser


@pytest.mark.parametrize(("language", "title"), [("vi", "Hồ sơ vụ án chung"), ("zh_Hans", "联合案件"),
                                                  ("en", "Joint cases")])
def test_the_list_and_the_case_in_each_language(pair: Pair, clients: dict[str, TestClient], language: str,
                                                title: str) -> None:
    created = open_case(pair, clients)
    page = browser(pair, "CN", "gx.commander")
    listed = page.get(f"/cases?lang={language}")
    assert listed.status_code == 200
    assert title in listed.text
    assert created["title"] in listed.text
    detail = page.get(f"/cases/{created['id']}?lang={language}")
    assert detail.status_code == 200
    assert "JIT-QN-GX-2026-01" in detail.text


def test_forms_open_a_case_and_add_to_it(pair: Pair) -> None:
    page = browser(pair, "VN", "qn.commander")
    assert page.get("/cases/new").status_code == 200
    refused = page.post("/cases/new?lang=en", data={"title": "Heroin route", "case_type": "drug_trafficking",
                                            "offence_codes": ["06012"], "unit_codes": ["VN-QN-MONGCAI"],
                                            "handling_code": "H0"})
    assert refused.status_code == 422
    assert "A joint case names at least one unit of the other side." in refused.text
    made = page.post("/cases/new", data={"title": "Heroin route", "case_type": "drug_trafficking",
                                         "offence_codes": ["06012"], "unit_codes": ["CN-GX"], "handling_code": "H0"})
    assert made.status_code == 303
    case_path, notice = made.headers["location"].split("?")
    assert notice == "done=created"
    assert page.post(f"{case_path}/notes", data={"body": "Nội bộ", "shared": ""}).status_code == 303
    assert page.post(f"{case_path}/persons", data={"role": "suspect", "name": "陈大龙",
                                                   "other_names": "Trần Đại Long"}).status_code == 303
    assert page.post(f"{case_path}/operations", data={
        "kind": "raid", "on_date": "2026-11-05", "place": "Móng Cái", "arrested": "2", "rescued": "0",
        "seizure_item_type": "heroin", "seizure_quantity": "1.2", "seizure_unit": "kg"}).status_code == 303
    shown = page.get(case_path + "?lang=en").text
    assert "internal, stays on this node" in shown
    assert "陈大龙 · Chén Dàlóng · Trần Đại Long" in shown
    assert "1.2" in shown


def test_the_handover_page_offers_each_side_its_steps(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = propose(pair, clients)
    cn = browser(pair, "CN", "gx.commander")
    page = cn.get(f"/handovers/{created['id']}?lang=zh_Hans")
    assert page.status_code == 200
    assert "2026-11-03 10:00 (UTC+08:00)" in page.text
    assert f"/handovers/{created['id']}/accept" in page.text
    assert cn.post(f"/handovers/{created['id']}/accept", data={}).status_code == 303
    vn = browser(pair, "VN", "qn.commander")
    assert f"/handovers/{created['id']}/accept" not in vn.get(f"/handovers/{created['id']}").text
    assert browser(pair, "VN", "laocai.officer").get(f"/handovers/{created['id']}").status_code == 404


def test_the_handover_page_proposes_another_time_in_the_readers_zone(pair: Pair,
                                                                    clients: dict[str, TestClient]) -> None:
    from tests.integration.cases.conftest import api

    created = propose(pair, clients)
    cn = browser(pair, "CN", "gx.commander")
    refused = cn.post(f"/handovers/{created['id']}/counter?lang=en", data={"planned_at": ""})
    assert refused.status_code == 422
    assert 'aria-invalid="true"' in refused.text.split('name="planned_at"', 1)[1].split(">", 1)[0]
    countered = cn.post(f"/handovers/{created['id']}/counter", data={"planned_at": "2026-11-03T14:00"})
    assert (countered.status_code, countered.headers["location"]) == (303, f"/handovers/{created['id']}?done=countered")
    shown = api(pair, clients, "CN", "gx.commander", "GET", f"/handovers/{created['id']}")
    assert shown["counter_at"] == "2026-11-03T06:00:00Z"  # 14:00 in Guangxi (UTC+8)


def test_the_case_and_handover_lists_filter_as_their_api_does_and_the_pages_drop_what_they_do_not_take(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    from tests.integration.cases.conftest import api

    handover = propose(pair, clients)
    case = open_case(pair, clients, title=f"Filtered case {uuid.uuid4().hex[:8]}")
    page = browser(pair, "VN", "qn.commander")
    assert case["title"] in page.get("/cases?status=open&case_type=drug_trafficking&q=").text
    assert case["title"] not in page.get("/cases?status=closed").text
    assert case["title"] in page.get("/cases?status=bogus&limit=0").text
    assert case["id"] not in [c["id"] for c in api(pair, clients, "VN", "qn.commander", "GET", "/cases?status=closed")
                              ["items"]]
    api(pair, clients, "VN", "qn.commander", "GET", "/cases?status=bogus", 422)
    link = f'href="/handovers/{handover["id"]}"'
    assert link in page.get("/handovers?status=proposed").text
    assert link not in page.get("/handovers?status=completed").text
    dropped = page.get("/handovers?status=bogus").text
    assert link in dropped
    assert 'name="status"' not in dropped
    assert handover["id"] not in [h["id"] for h in api(pair, clients, "VN", "qn.commander", "GET",
                                                       "/handovers?status=completed")["items"]]
    api(pair, clients, "VN", "qn.commander", "GET", "/handovers?status=bogus", 422)


def test_a_task_for_the_other_side_is_in_its_units_work_feed(pair: Pair, clients: dict[str, TestClient]) -> None:
    from tests.integration.cases.conftest import api

    from borderlink.directory import service as directory
    from borderlink.shared import workfeed
    from borderlink.shared.feedkinds import feed_kinds

    created = open_case(pair, clients)
    api(pair, clients, "VN", "qn.commander", "POST", f"/cases/{created['id']}/tasks", 201,
        json={"assigned_unit_code": "CN-GX-DONGXING", "title": "Identify the buyer's phones",
              "deadline_at": "2026-11-09T00:00:00Z"})
    pair.pump()
    kinds = {kind.object_type: kind for kind in feed_kinds()}
    with pair.cn.transaction() as session:
        dongxing = directory.get_unit_by_code(session, "CN-GX-DONGXING")
        entries = workfeed.feed_page(session, [dongxing.id], limit=10).items
        tasks = [e for e in entries if e.object_type == "cases.task"]
        assert [e.deadline_at.isoformat() for e in tasks if e.deadline_at] == ["2026-11-09T00:00:00+00:00"]
        cards = kinds["cases.task"].cards(session, [tasks[0].object_id], "en")
        assert cards[tasks[0].object_id].title == "Identify the buyer's phones"
        case_cards = kinds["cases.case"].cards(session, [created["id"]], "zh_Hans")
        assert "毒品贩运" in case_cards[created["id"]].detail


def test_the_case_list_pages_through_older_and_newer_cases(pair: Pair, clients: dict[str, TestClient],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from borderlink.cases import pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    run = uuid.uuid4().hex[:8]
    titles = [open_case(pair, clients, title=f"Paged case {run} {number}")["title"] for number in range(3)]
    page = browser(pair, "CN", "gx.commander")
    first = page.get("/cases?lang=en")
    older = re.search(r'<a href="([^"]+)" rel="next">Older</a>', first.text)
    assert older is not None
    assert 'rel="prev"' not in first.text
    second = page.get(html.unescape(older.group(1)))
    assert second.status_code == 200
    newer = re.search(r'<a href="([^"]+)" rel="prev">Newer</a>', second.text)
    assert newer is not None
    assert titles[2] in first.text
    assert titles[0] in second.text
    assert titles[2] not in second.text
