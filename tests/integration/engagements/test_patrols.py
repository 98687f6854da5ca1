"""A joint patrol: proposed by Móng Cái to Dongxing, adjusted or accepted, reported by both sides."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from tests.integration.engagements.conftest import Api
from tests.integration.hotline.conftest import Pair

from borderlink.directory import service as directory
from borderlink.directory.models import Counterpart
from borderlink.engagements.models import PATROL as PATROL_TYPE
from borderlink.shared import workfeed

PATROL: dict[str, Any] = {
    "starts_at": "2026-11-10T01:00:00Z", "ends_at": "2026-11-10T07:00:00Z",
    "marker_from": "1088/2", "marker_to": "1089", "route": "Along the Ka Long river from Bắc Luân bridge",
    "participants": [{"name": "Nguyễn Văn An", "title": "Thượng úy"}, {"name": "Lê Minh Đức"}],
}


def propose(mongcai: Api, **changes: Any) -> dict[str, Any]:
    created: dict[str, Any] = mongcai.post("/patrols", {**PATROL, **changes}, expect=201)
    return created


def test_proposed_adjusted_and_complete_when_both_sides_reported(pair: Pair, as_user: Any) -> None:
    mongcai, dongxing = as_user("VN", "mongcai.officer"), as_user("CN", "dongxing.officer")
    patrol = propose(mongcai)
    assert patrol["sector"] == "1088/2–1089"
    assert patrol["counterpart_unit_code"] == "CN-GX-DONGXING"
    assert patrol["local_times"]["VN"]["starts_at"] == "2026-11-10T08:00:00+07:00"
    assert patrol["local_times"]["CN"]["starts_at"] == "2026-11-10T09:00:00+08:00"
    pair.pump()

    adjusted = dongxing.post(f"/patrols/{patrol['id']}/adjust", {
        "starts_at": "2026-11-10T10:00:00+08:00", "note": "一小时后出发 / start one hour later",
        "participants": [{"name": "王晓红", "title": "警官"}]})
    assert adjusted["status"] == "agreed"
    assert adjusted["local_times"]["CN"]["starts_at"] == "2026-11-10T10:00:00+08:00"
    pair.pump()
    owner = mongcai.get(f"/patrols/{patrol['id']}")
    assert owner["status"] == "agreed"
    assert owner["starts_at"] == "2026-11-10T02:00:00Z"
    assert {p["party"] for p in owner["participants"]} == {"VN", "CN"}
    assert owner["version"] == 2

    mongcai.post(f"/patrols/{patrol['id']}/reports", {
        "summary": "Route walked; marker 1089 found damaged.",
        "incidents": [{"kind": "damaged_marker", "marker": "1089", "note": "base cracked"}]}, expect=201)
    mongcai.post(f"/patrols/{patrol['id']}/reports", {"summary": "again"}, expect=422)
    pair.pump()
    assert dongxing.get(f"/patrols/{patrol['id']}")["status"] == "agreed"  # one report of two
    final = dongxing.post(f"/patrols/{patrol['id']}/reports", {
        "summary": "拦截非法越境人员2名。",
        "incidents": [{"kind": "intercepted", "count": 2, "marker": "1088/2", "case_ref": "CASE-2026-014"}]},
        expect=201)
    assert final["status"] == "completed"
    pair.pump()
    for api in (mongcai, dongxing):
        seen = api.get(f"/patrols/{patrol['id']}")
        assert seen["status"] == "completed"
        assert sorted(r["party"] for r in seen["reports"]) == ["CN", "VN"]


def test_only_the_counterpart_answers_and_a_markerless_sector_is_refused(pair: Pair, as_user: Any) -> None:
    mongcai, dongxing = as_user("VN", "mongcai.officer"), as_user("CN", "dongxing.officer")
    bad = mongcai.client.post("/api/v1/patrols", headers=mongcai.headers, json={**PATROL, "marker_from": "north"})
    assert bad.status_code == 422
    patrol = propose(mongcai)
    mongcai.post(f"/patrols/{patrol['id']}/accept", expect=422)
    pair.pump()
    dongxing.post(f"/patrols/{patrol['id']}/reports", {"summary": "too early"}, expect=422)
    accepted = dongxing.post(f"/patrols/{patrol['id']}/accept")
    assert accepted["status"] == "agreed"
    pair.pump()
    assert mongcai.get(f"/patrols/{patrol['id']}")["status"] == "agreed"


def test_a_refusal_by_the_other_node_reaches_the_patrol_and_the_proposing_unit(pair: Pair, as_user: Any) -> None:
    # The two directories disagree: China's no longer pairs Móng Cái with Dongxing.
    with pair.node("CN").transaction() as session:
        mongcai_unit = directory.get_unit_by_code(session, "VN-QN-MONGCAI")
        for pairing in session.scalars(select(Counterpart).where(
                or_(Counterpart.unit_a_id == mongcai_unit.id, Counterpart.unit_b_id == mongcai_unit.id))):
            session.delete(pairing)
    mongcai = as_user("VN", "mongcai.officer")
    patrol = propose(mongcai)
    pair.pump()
    with pair.node("VN").transaction() as session:
        entries = workfeed.entries_of(session, workfeed.ObjectRef(PATROL_TYPE, patrol["id"]))
        assert [(e.reason, e.unread) for e in entries] == [("refused", True)]
    seen = mongcai.get(f"/patrols/{patrol['id']}")
    refused = [e for e in seen["timeline"] if e["kind"] == "refused_by_peer"]
    assert len(refused) == 1
    assert "not a counterpart" in refused[0]["detail"]
    assert refused[0]["party"] == "CN"
