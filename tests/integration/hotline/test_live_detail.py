"""An open request page follows the request live: what the other side does arrives through the
exchange and is pushed to the page's stream, without reloading."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from tests.integration.hotline.conftest import Pair, browser, token_headers
from tests.integration.hotline.test_flow import send
from tests.support.live_streams import frames_after

from borderlink.hotline.models import OBJECT_TYPE
from borderlink.web.streams import object_events


def _pushed_after(pair: Pair, request_id: str, action: object) -> list[str]:
    """Subscribe to the request's stream on VN, run `action` (blocking) in a thread, and return
    the frames heard within a few seconds of it."""

    return frames_after(object_events(OBJECT_TYPE, request_id, "request", keepalive=30), action)  # type: ignore[arg-type]


def test_a_reply_from_the_other_side_is_pushed_to_the_open_request_page(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    created = send(pair, clients)
    request_id = str(created["id"])
    pair.pump()
    dongxing = token_headers(pair, "CN", "dongxing.officer")
    # The reply is written on CN first; only its arrival on VN through the exchange is awaited.
    answer = clients["CN"].post(f"/api/v1/hotline/requests/{request_id}/replies", headers=dongxing,
                                json={"body": "Đã nhận, đang xác minh. 收到。"})
    assert answer.status_code == 201, answer.text

    frames = _pushed_after(pair, request_id, pair.pump)

    assert frames == [f"event: request\ndata: {json.dumps({'request_id': request_id})}\n\n"]
    page = browser(pair, "VN", "mongcai.officer").get(f"/hotline/requests/{request_id}")
    assert "Đã nhận, đang xác minh." in page.text
    assert f'data-stream="/hotline/requests/{request_id}/stream"' in page.text
    assert page.text.index('src="/static/request-live.js"') > page.text.index("</title>")


def test_an_acknowledgement_by_the_other_side_is_pushed_too(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = send(pair, clients)
    request_id = str(created["id"])
    pair.pump()
    acknowledged = clients["CN"].post(f"/api/v1/hotline/requests/{request_id}/acknowledge",
                                      headers=token_headers(pair, "CN", "dongxing.officer"))
    assert acknowledged.status_code == 200, acknowledged.text

    assert len(_pushed_after(pair, request_id, pair.pump)) == 1
    vn = clients["VN"].get(f"/api/v1/hotline/requests/{request_id}",
                           headers=token_headers(pair, "VN", "mongcai.officer")).json()
    assert vn["status"] == "acknowledged"


def test_a_request_stream_is_not_found_for_whoever_may_not_see_the_request(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    created = send(pair, clients)
    outsider = token_headers(pair, "VN", "laocai.officer")
    assert clients["VN"].get(f"/api/v1/hotline/requests/{created['id']}/stream", headers=outsider).status_code == 404
    page = browser(pair, "VN", "laocai.officer").get(f"/hotline/requests/{created['id']}/stream")
    assert page.status_code == 404
