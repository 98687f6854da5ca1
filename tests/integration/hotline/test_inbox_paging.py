"""The inbox in pages: `limit`, an opaque `cursor`, `next_cursor` and `prev_cursor`; the page
links to the next and previous pages with its filters kept."""

from __future__ import annotations

import datetime as dt
import html
import re

import pytest
from fastapi.testclient import TestClient
from tests.integration.hotline.conftest import Pair, browser, token_headers
from tests.integration.hotline.test_flow import URGENT, send

from borderlink.hotline import pages


def _walk(clients: dict[str, TestClient], headers: dict[str, str], query: str) -> list[list[str]]:
    seen: list[list[str]] = []
    cursor = ""
    while True:
        answer = clients["CN"].get(f"/api/v1/hotline/inbox?{query}{cursor}", headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        seen.append([item["request_id"] for item in body["items"]])
        assert body["unread"] == 5  # counted over the whole filtered inbox, not one page
        if body["next_cursor"] is None:
            return seen
        cursor = f"&cursor={body['next_cursor']}"


def test_the_api_pages_through_the_inbox_newest_first(pair: Pair, clients: dict[str, TestClient]) -> None:
    sent = []
    for n in range(5):
        sent.append(str(send(pair, clients, {**URGENT, "subject": f"Courier {n}"})["id"]))
        pair.clock.advance(dt.timedelta(minutes=1))
        pair.pump()
    headers = token_headers(pair, "CN", "dongxing.officer")
    pages_seen = _walk(clients, headers, "limit=2")
    assert pages_seen == [sent[4:2:-1], sent[2:0:-1], sent[:1]]
    whole = clients["CN"].get("/api/v1/hotline/inbox", headers=headers).json()
    assert [i["request_id"] for i in whole["items"]] == sent[::-1]
    assert whole["next_cursor"] is None
    assert whole["prev_cursor"] is None
    # Units below included: the province sees the same requests once each.
    below = _walk(clients, token_headers(pair, "CN", "gx.commander"), "limit=3&include_below=true")
    assert below == [sent[4:1:-1], sent[1::-1]]


def test_a_cursor_that_was_not_given_out_is_refused(pair: Pair, clients: dict[str, TestClient]) -> None:
    headers = token_headers(pair, "CN", "dongxing.officer")
    assert clients["CN"].get("/api/v1/hotline/inbox?cursor=bm9wZQ", headers=headers).status_code == 422


def test_the_inbox_page_links_to_older_and_newer_pages(pair: Pair, clients: dict[str, TestClient],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    for n in range(3):
        send(pair, clients, {**URGENT, "subject": f"Courier {n}"})
        pair.clock.advance(dt.timedelta(minutes=1))
    client = browser(pair, "VN", "mongcai.officer")
    first = client.get("/hotline?priority=urgent")
    assert "Courier 2" in first.text
    assert "Courier 1" in first.text
    assert "Courier 0" not in first.text
    older = re.search(r'<a href="([^"]+)" rel="next">', first.text)
    assert older
    assert 'rel="prev"' not in first.text
    link = html.unescape(older.group(1))
    assert "priority=urgent" in link
    second = client.get(link)
    assert "Courier 0" in second.text
    assert "Courier 2" not in second.text
    newer = re.search(r'<a href="([^"]+)" rel="prev">', second.text)
    assert newer
    assert "Courier 2" in client.get(html.unescape(newer.group(1))).text
