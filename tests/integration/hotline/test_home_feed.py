"""The home page lists the unit's open work from the shared feed: urgent first, counts per kind,
one action per item, the urgent banner's summary, and nothing of other units."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from tests.integration.hotline.conftest import Pair, browser, token_headers

BASE = {"kind": "information", "body": "Cần thông tin.", "offence_code": "06012", "handling_code": "H1",
        "recipient_unit_code": "CN-GX-DONGXING"}


def _send(pair: Pair, clients: dict[str, TestClient], subject: str, priority: str) -> str:
    response = clients["VN"].post("/api/v1/hotline/requests", json={**BASE, "subject": subject, "priority": priority},
                                  headers=token_headers(pair, "VN", "mongcai.officer"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-key="hotline\.request:([^"]+)"', html)


def test_home_lists_open_work_urgent_first_with_counts_and_one_action(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    normal = _send(pair, clients, "Xác minh biển số 14B1", "normal")
    urgent = _send(pair, clients, "Đối tượng vượt biên khẩn", "urgent")
    pair.pump()

    dongxing = browser(pair, "CN", "dongxing.officer")
    home = dongxing.get("/?lang=zh_Hans")
    assert home.status_code == 200
    assert _rows(home.text) == [urgent, normal]
    assert "热线请求 <strong>2</strong>" in home.text
    assert "1 项紧急" in home.text
    assert "芒街" in home.text or "Móng Cái" in home.text  # units by name, not code
    assert f'action="/hotline/requests/{urgent}/acknowledge"' in home.text
    assert re.search(r'<time class="countdown" datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"', home.text)

    summary = dongxing.get("/home/urgent").json()
    assert summary["count"] == 1
    assert [i["href"] for i in summary["items"]] == [f"/hotline/requests/{urgent}"]

    # One click acts; the item stays (open) without its action, and is no longer unread-urgent.
    acted = dongxing.post(f"/hotline/requests/{urgent}/acknowledge")
    assert acted.status_code == 303
    assert dongxing.get(acted.headers["location"]).status_code == 200
    after = dongxing.get("/home/items").text
    assert _rows(after) == [urgent, normal]
    assert f'action="/hotline/requests/{urgent}/acknowledge"' not in after
    assert dongxing.get("/home/urgent").json()["count"] == 0

    # The sender's side holds both as sent; nobody else's home shows them.
    assert set(_rows(browser(pair, "VN", "mongcai.officer").get("/home/items").text)) == {urgent, normal}
    assert _rows(browser(pair, "CN", "hekou.officer").get("/home/items").text) == []
    narrowed = dongxing.get("/home/items?kind=hotline.request").text
    assert _rows(narrowed) == [urgent, normal]


def test_closed_requests_leave_the_home_page(pair: Pair, clients: dict[str, TestClient]) -> None:
    request_id = _send(pair, clients, "Sẽ đóng", "high")
    mongcai = browser(pair, "VN", "mongcai.officer")
    assert _rows(mongcai.get("/home/items").text) == [request_id]
    assert mongcai.post(f"/hotline/requests/{request_id}/close").status_code == 303
    assert _rows(mongcai.get("/home/items").text) == []
