"""Illegal-immigration cases are counted from the groups recorded: "N cases involving M people"."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.integration.cases.conftest import Pair, api, open_case

GROUP = {"intercepted_at": "2026-11-04T21:30:00Z", "place": "Pò Hèn trail, Hải Sơn commune", "side": "VN",
         "people": 12, "minors": 3, "outcome": "returned", "return_gate_code": "VN-QN-MONGCAI",
         "organisers_prosecuted": 1,
         "breakdown": [{"nationality": "VNM", "sex": "F", "count": 7}, {"nationality": "VNM", "sex": "M", "count": 5}]}


def test_a_group_of_twelve_with_three_minors_is_counted(pair: Pair, clients: dict[str, TestClient]) -> None:
    case = open_case(pair, clients, title="Group crossing at Pò Hèn", case_type="illegal_immigration",
                     offence_codes=["08059", "08051"])
    bad = api(pair, clients, "VN", "qn.commander", "POST", f"/cases/{case['id']}/immigration-groups", 422,
              json={**GROUP, "people": 11})
    assert bad["field"] == "breakdown"
    api(pair, clients, "VN", "qn.commander", "POST", f"/cases/{case['id']}/immigration-groups", 201, json=GROUP)
    other = open_case(pair, clients, title="Second crossing", case_type="illegal_immigration", offence_codes=["08059"])
    api(pair, clients, "VN", "mongcai.officer", "POST", f"/cases/{other['id']}/immigration-groups", 201,
        json={**GROUP, "people": 2, "minors": 0, "breakdown": [], "outcome": "handed_over", "return_gate_code": None})
    pair.pump()
    figures = api(pair, clients, "VN", "qn.commander", "GET", "/cases/immigration-figures")
    assert figures == {"cases": 2, "people": 14, "minors": 3, "groups": 2,
                       "text": "2 illegal immigration cases involving 14 people"}
    # The other side holds the same records and counts the same.
    assert api(pair, clients, "CN", "gx.commander", "GET", "/cases/immigration-figures")["people"] == 14
    # Counting follows who may see: a unit with no such case counts none.
    assert api(pair, clients, "VN", "laocai.officer", "GET", "/cases/immigration-figures")["cases"] == 0
