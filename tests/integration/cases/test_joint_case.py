"""A joint case across the border: both sides see the same case and timeline; internal notes and
informants stay on the node that wrote them; contributions from the other side reach the owner."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.cases.conftest import DRUG_CASE, Pair, api, open_case

from borderlink.exchange.models import OutboxEnvelope

RAID = {"kind": "raid", "on_date": "2026-11-05", "place": "Dongxing, Jiangping town / 东兴市江平镇",
        "unit_codes": ["CN-GX-DONGXING", "VN-QN-MONGCAI"], "arrested": 3, "rescued": 0,
        "outcome": "Three couriers arrested.",
        "seizures": [{"item_type": "heroin", "quantity": "2.5", "unit": "kg"},
                     {"item_type": "methamphetamine", "quantity": "12000", "unit": "tablets"},
                     {"item_type": "cash", "quantity": "150000", "unit": "currency", "currency": "CNY"}]}


def sent_bodies(pair: Pair, party: str) -> list[str]:
    with pair.node(party).transaction() as session:
        return [json.dumps(json.loads(e.content), ensure_ascii=False) for e in session.scalars(
            select(OutboxEnvelope).where(OutboxEnvelope.kind.like("cases.%")))]


def test_both_sides_hold_the_same_case_and_timeline(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = open_case(pair, clients)
    assert created["status"] == "open"
    assert created["lead_unit_code"] == "VN-QN"
    cn = api(pair, clients, "CN", "gx.commander", "GET", f"/cases/{created['id']}")
    assert cn["title"] == DRUG_CASE["title"]
    assert cn["owner_party"] == "VN"
    assert cn["jit"]["reference"] == "JIT-QN-GX-2026-01"
    listed = api(pair, clients, "CN", "dongxing.officer", "GET", "/cases")
    assert [i["id"] for i in listed["items"]] == [created["id"]]

    api(pair, clients, "CN", "dongxing.officer", "POST", f"/cases/{created['id']}/operations", 201, json=RAID)
    api(pair, clients, "VN", "qn.commander", "POST", f"/cases/{created['id']}/notes", 201,
        json={"body": "Nguồn tin nội bộ: không chia sẻ.", "shared": False})
    api(pair, clients, "VN", "qn.commander", "POST", f"/cases/{created['id']}/notes", 201,
        json={"body": "Joint meeting at Móng Cái on Friday.", "shared": True})
    api(pair, clients, "VN", "qn.commander", "POST", f"/cases/{created['id']}/persons", 201,
        json={"role": "informant", "name": "Đỗ Văn Tín"})
    pair.pump()

    vn = api(pair, clients, "VN", "qn.commander", "GET", f"/cases/{created['id']}")
    cn = api(pair, clients, "CN", "gx.commander", "GET", f"/cases/{created['id']}")
    assert [(e["id"], e["kind"], e["at"]) for e in vn["timeline"]] == \
        [(e["id"], e["kind"], e["at"]) for e in cn["timeline"]]
    assert [o["seizures"] for o in vn["operations"]] == [o["seizures"] for o in cn["operations"]]
    assert vn["operations"][0]["party"] == "CN"
    assert [n["body"] for n in cn["notes"]] == ["Joint meeting at Móng Cái on Friday."]
    assert len(vn["notes"]) == 2
    assert [p["role"] for p in cn["persons"]] == []
    assert [p["role"] for p in vn["persons"]] == ["informant"]
    sent = " ".join(sent_bodies(pair, "VN"))
    assert "Nguồn tin nội bộ" not in sent
    assert "Đỗ Văn Tín" not in sent
    assert "Joint meeting" in sent


def test_outsiders_and_other_provinces_get_404(pair: Pair, clients: dict[str, TestClient]) -> None:
    created = open_case(pair, clients)
    api(pair, clients, "VN", "laocai.officer", "GET", f"/cases/{created['id']}", 404)
    api(pair, clients, "CN", "hekou.officer", "GET", f"/cases/{created['id']}", 404)
    assert api(pair, clients, "VN", "laocai.officer", "GET", "/cases")["items"] == []
    api(pair, clients, "VN", "mongcai.officer", "GET", f"/cases/{created['id']}")
    # The central tier oversees the provinces below it.
    api(pair, clients, "VN", "bgc.analyst", "GET", f"/cases/{created['id']}")
