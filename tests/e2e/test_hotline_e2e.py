"""The hotline between two real node processes talking over the federation exchange (mutual TLS).

Móng Cái (VN) calls Dongxing (CN): live delivery to the facing post's inbox stream, one shared
timeline, escalation up both sides' tiers when nobody answers, and nothing lost while the peer is
down.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from tests.e2e.nodes import NodePair, NodeProcess, PairFactory, SseReader, poll

pytestmark = pytest.mark.e2e

ESCALATION_INTERVAL = 0.3  # seconds between the owner node's escalation passes
ESCALATION_DEADLINE = 4  # seconds allowed per tier in the escalation test
DELIVERY_TIMEOUT = 10.0  # seconds; generous for a loaded machine, delivery normally takes well under 1 s

REQUEST: dict[str, Any] = {
    "kind": "urgent_alert", "priority": "urgent", "offence_code": "06012", "handling_code": "H0",
    "subject": "Heroin courier crossing at Móng Cái",
    "body": "Suspect carrying 2 kg heroin, heading to Dongxing by motorbike. 嫌疑人携带海洛因。",
    "recipient_unit_code": "CN-GX-DONGXING",
    "references": [{"type": "vehicle", "plate": "14B1-234.56"}],
}


@pytest.fixture(scope="module")
def pair(node_pair_factory: PairFactory) -> NodePair:
    return node_pair_factory(env={
        "BORDERLINK_HOTLINE_ESCALATION_INTERVAL_SECONDS": str(ESCALATION_INTERVAL),
        # A stopped peer is retried at least every second, so the offline test stays short.
        "BORDERLINK_EXCHANGE_BACKOFF_MAX_SECONDS": "1",
    }, name="hotline")


@pytest.fixture(scope="module")
def mongcai(pair: NodePair) -> Iterator[httpx.Client]:
    with pair.vn.client("mongcai.officer") as client:
        yield client


@pytest.fixture(scope="module")
def dongxing(pair: NodePair) -> Iterator[httpx.Client]:
    with pair.cn.client("dongxing.officer") as client:
        yield client


def send(client: httpx.Client, **changes: Any) -> dict[str, Any]:
    response = client.post("/api/v1/hotline/requests", json={**REQUEST, **changes})
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    assert created["status"] == "sent"
    return created


def view(node: NodeProcess, username: str, request_id: str) -> dict[str, Any] | None:
    response = httpx.get(f"{node.url}/api/v1/hotline/requests/{request_id}", headers=node.headers(username),
                         timeout=10)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def inbox_item(node: NodeProcess, username: str, request_id: str) -> dict[str, Any] | None:
    response = httpx.get(f"{node.url}/api/v1/hotline/inbox", headers=node.headers(username), timeout=10)
    assert response.status_code == 200, response.text
    return next((i for i in response.json()["items"] if i["request_id"] == request_id), None)


def timeline(found: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(e["id"], e["kind"], e["at"]) for e in found["timeline"]]


def test_urgent_request_reaches_dongxing_live_and_both_sides_share_one_timeline(
    pair: NodePair, mongcai: httpx.Client, dongxing: httpx.Client
) -> None:
    with SseReader(f"{pair.cn.url}/api/v1/hotline/inbox/stream", pair.cn.headers("dongxing.officer")) as stream:
        posted = time.perf_counter()
        created = send(mongcai)
        event = stream.wait_for_request(created["id"], timeout=DELIVERY_TIMEOUT)
    print(f"request event on the Dongxing stream {1000 * (event.received - posted):.0f} ms after the POST")

    item = inbox_item(pair.cn, "dongxing.officer", created["id"])
    assert item is not None
    assert (item["status"], item["unread"], item["reasons"]) == ("delivered", True, ["received"])
    assert (item["sender_unit_code"], item["recipient_unit_code"]) == ("VN-QN-MONGCAI", "CN-GX-DONGXING")

    ack = dongxing.post(f"/api/v1/hotline/requests/{created['id']}/acknowledge")
    assert ack.status_code == 200, ack.text
    reply = dongxing.post(f"/api/v1/hotline/requests/{created['id']}/replies",
                          json={"body": "Đã nhận. 东兴站已布控，车辆已拦截。"})
    assert reply.status_code == 201, reply.text

    kinds = ["sent", "delivered", "acknowledged", "answered"]
    # On PostgreSQL each statement of a read sees what was committed when it began, so one answer may
    # show the timeline of a step whose status came in a moment later: wait for both.
    vn_view = poll(lambda: (v := view(pair.vn, "mongcai.officer", created["id"]))
                   and [e["kind"] for e in v["timeline"]] == kinds and v["status"] == "answered" and v,
                   DELIVERY_TIMEOUT, message="Móng Cái sees the acknowledgement and the answer")
    cn_view = view(pair.cn, "dongxing.officer", created["id"])
    assert cn_view is not None
    assert timeline(vn_view) == timeline(cn_view)
    assert [e["kind"] for e in cn_view["timeline"]] == kinds
    assert vn_view["status"] == cn_view["status"] == "answered"
    for field in ("sent_at", "delivered_at", "acknowledged_at", "answered_at"):
        assert vn_view[field] is not None
        assert vn_view[field] == cn_view[field], field
    assert [(r["id"], r["body"], r["author_unit_code"]) for r in vn_view["replies"]] == \
        [(r["id"], r["body"], r["author_unit_code"]) for r in cn_view["replies"]] == \
        [(reply.json()["id"], "Đã nhận. 东兴站已布控，车辆已拦截。", "CN-GX-DONGXING")]
    # Each side's events carry the party and unit that acted.
    assert [(e["party"], e["unit_code"]) for e in vn_view["timeline"]] == [
        ("VN", "VN-QN-MONGCAI"), ("CN", "CN-GX-DONGXING"), ("CN", "CN-GX-DONGXING"), ("CN", "CN-GX-DONGXING")]


def set_deadline(node: NodeProcess, priority: str, seconds: int) -> None:
    response = httpx.put(f"{node.url}/api/v1/hotline/deadlines", json={priority: seconds},
                         headers=node.headers("admin"), timeout=10)
    assert response.status_code == 200, response.text
    assert response.json()[priority] == seconds


def test_unanswered_request_escalates_to_the_provinces_then_the_centre_on_both_sides(
    pair: NodePair, mongcai: httpx.Client
) -> None:
    # Only administrators set deadlines; "high" is used so the other tests keep the default.
    denied = httpx.put(f"{pair.vn.url}/api/v1/hotline/deadlines", json={"high": ESCALATION_DEADLINE},
                       headers=pair.vn.headers("qn.commander"), timeout=10)
    assert denied.status_code == 403
    commanders = ((pair.vn, "qn.commander"), (pair.cn, "gx.commander"))
    defaults = {node.party: httpx.get(f"{node.url}/api/v1/hotline/deadlines", headers=node.headers(user),
                                      timeout=10).json()["high"] for node, user in commanders}
    for node in pair.nodes:
        set_deadline(node, "high", ESCALATION_DEADLINE)
    try:
        created = send(mongcai, priority="high", kind="information",
                       subject="Telecom fraud call centre moving to Dongxing",
                       body="Please confirm whether the building named in our earlier message is occupied.")
        request_id = created["id"]
        sent = time.monotonic()
        analysts = ((pair.vn, "analyst"), (pair.cn, "analyst"))

        def escalated(people: tuple[tuple[NodeProcess, str], ...], level: int) -> list[dict[str, Any]] | None:
            items = [inbox_item(node, user, request_id) for node, user in people]
            if all(i is not None and i["escalation_level"] >= level for i in items):
                return items  # type: ignore[return-value]
            return None

        # Delivered, not yet due: only the two posts hold it.
        poll(lambda: (v := view(pair.vn, "mongcai.officer", request_id)) and v["status"] == "delivered",
             DELIVERY_TIMEOUT, message="delivered to Dongxing")
        before = [(node.party, user, inbox_item(node, user, request_id)) for node, user in commanders + analysts]
        if time.monotonic() - sent < ESCALATION_DEADLINE - 0.5:  # else a loaded machine was too slow to look
            assert [item for _, _, item in before] == [None] * 4, before

        level_one = poll(lambda: escalated(commanders, 1), ESCALATION_DEADLINE + DELIVERY_TIMEOUT, interval=0.1,
                         message="escalated to Quảng Ninh and Guangxi")
        assert [(i["escalation_level"], i["reasons"], i["overdue"]) for i in level_one] == \
            [(1, ["escalated"], False)] * 2
        assert [inbox_item(node, user, request_id) for node, user in analysts] == [None, None]

        level_two = poll(lambda: escalated(analysts, 2), ESCALATION_DEADLINE + DELIVERY_TIMEOUT, interval=0.1,
                         message="escalated to the Border Guard Command and the NIA")
        assert [(i["escalation_level"], i["reasons"]) for i in level_two] == [(2, ["escalated"])] * 2
        # The posts and the provinces keep it too.
        for node, user in ((pair.vn, "mongcai.officer"), (pair.cn, "dongxing.officer"), *commanders):
            item = inbox_item(node, user, request_id)
            assert item is not None, (node.party, user)
            assert item["escalation_level"] == 2

        # Both sides tell the same story: two escalations, decided by the owner (VN).
        def both_views() -> tuple[dict[str, Any], dict[str, Any]] | None:
            vn_view = view(pair.vn, "analyst", request_id)
            cn_view = view(pair.cn, "analyst", request_id)
            if vn_view and cn_view and timeline(vn_view) == timeline(cn_view) \
                    and cn_view["escalation_level"] == vn_view["escalation_level"] == 2:
                return vn_view, cn_view
            return None

        vn_view, cn_view = poll(both_views, DELIVERY_TIMEOUT, message="the same timeline on both sides")
        escalations = [e for e in vn_view["timeline"] if e["kind"] == "escalated"]
        assert [e["detail"] for e in escalations] == ["level 1: VN-QN / CN-GX", "level 2: VN-BGC / CN-NIA"]
        assert {e["party"] for e in escalations} == {"VN"}
        assert vn_view["status"] == cn_view["status"] == "delivered"
        assert vn_view["deadline_at"] == cn_view["deadline_at"]

        # The centre is the top: once the last deadline passes the request stays overdue at level 2;
        # several escalation passes later there is still no third escalation.
        poll(lambda: (v := view(pair.vn, "analyst", request_id)) and v["overdue"],
             ESCALATION_DEADLINE + DELIVERY_TIMEOUT, message="the last deadline passes")
        passes_later = time.monotonic() + 5 * ESCALATION_INTERVAL
        while time.monotonic() < passes_later:
            top = view(pair.vn, "analyst", request_id)
            assert top is not None
            assert (top["escalation_level"], [e["kind"] for e in top["timeline"]].count("escalated")) == (2, 2)
            time.sleep(ESCALATION_INTERVAL / 2)
        overdue = inbox_item(pair.cn, "analyst", request_id)
        assert overdue is not None
        assert (overdue["escalation_level"], overdue["overdue"]) == (2, True)
    finally:
        for node in pair.nodes:
            set_deadline(node, "high", defaults[node.party])


def test_requests_sent_while_the_peer_is_down_all_arrive_in_order_when_it_returns(
    pair: NodePair, mongcai: httpx.Client
) -> None:
    pair.cn.stop(kill=True)  # no goodbye: the process dies
    ids = [send(mongcai, subject=f"Courier {n} crossing at Móng Cái", body=f"Offline message number {n}.")["id"]
           for n in range(1, 4)]
    for request_id in ids:  # VN keeps working and holds them
        found = view(pair.vn, "mongcai.officer", request_id)
        assert found is not None
        assert (found["status"], found["delivered_at"]) == ("sent", None)

    pair.cn.start()
    pair.cn.wait_ready()

    def all_delivered() -> list[dict[str, Any]] | None:
        views = [view(pair.cn, "dongxing.officer", request_id) for request_id in ids]
        return views if all(v is not None for v in views) else None  # type: ignore[return-value]

    cn_views = poll(all_delivered, DELIVERY_TIMEOUT, message="all three requests on the CN node")
    assert [v["subject"] for v in cn_views] == [f"Courier {n} crossing at Móng Cái" for n in range(1, 4)]
    assert [v["body"] for v in cn_views] == [f"Offline message number {n}." for n in range(1, 4)]
    delivered = [v["delivered_at"] for v in cn_views]
    assert all(delivered), delivered
    assert delivered == sorted(delivered), f"applied out of order: {delivered}"
    assert len(set(delivered)) == 3, delivered

    inbox = httpx.get(f"{pair.cn.url}/api/v1/hotline/inbox", headers=pair.cn.headers("dongxing.officer"),
                      timeout=10).json()["items"]
    listed = [i["request_id"] for i in inbox if i["request_id"] in ids]
    assert listed == list(reversed(ids)), "once each, newest first"
    # The delivery events travel back: the sender sees each one delivered, at the same moment.
    vn_views = poll(lambda: (vs := [view(pair.vn, "mongcai.officer", i) for i in ids])
                    and all(v and v["status"] == "delivered" for v in vs) and vs,
                    DELIVERY_TIMEOUT, message="Móng Cái sees all three delivered")
    assert [v["delivered_at"] for v in vn_views] == delivered
    assert [timeline(v) for v in vn_views] == [timeline(v) for v in cn_views]
