"""Gate reference data: the eight pairs as post-tier gates, lanes, and hours kept in each gate's zone."""

from __future__ import annotations

import copy
import datetime as dt
import json
from importlib import resources
from typing import Any

import pytest

from borderlink.directory import service as directory
from borderlink.errors import InvalidInput
from borderlink.gates.reference import Traffic, parse_gates, reference_gates


def _gate_file() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (resources.files("borderlink.gates") / "data" / "gates.json").read_text(encoding="utf-8")
    )
    return data


def _by_unit() -> dict[str, Any]:
    return {gate.unit: gate for gate in reference_gates()}


def test_every_post_of_the_directory_is_a_gate_and_pairs_face_each_other() -> None:
    data = directory.reference_data()
    posts = {unit["code"] for unit in data["units"] if unit["tier"] == "post"}
    gates = _by_unit()
    assert set(gates) == posts
    assert len(gates) == 16
    pairs = [(a, b) for a, b in data["counterparts"] if a in posts]
    assert len(pairs) == 8
    assert {a[:2] for a, _ in pairs} == {"VN"}
    assert {b[:2] for _, b in pairs} == {"CN"}


def test_each_side_keeps_its_own_time_zone() -> None:
    gates = _by_unit()
    assert {g.timezone for code, g in gates.items() if code.startswith("VN-")} == {"Asia/Ho_Chi_Minh"}
    assert {g.timezone for code, g in gates.items() if code.startswith("CN-")} == {"Asia/Shanghai"}


def test_huu_nghi_hours_are_hanoi_time() -> None:
    huu_nghi = _by_unit()["VN-LS-HUUNGHI"]
    hours = {h.traffic: (h.opens.isoformat("minutes"), h.closes.isoformat("minutes")) for h in huu_nghi.hours}
    assert hours == {Traffic.PEOPLE: ("07:00", "20:00"), Traffic.GOODS: ("07:00", "18:00")}


def test_huu_nghi_and_youyiguan_open_and_close_at_the_same_instants() -> None:
    gates = _by_unit()
    start = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    open_quarters = dict.fromkeys(Traffic, 0)
    for quarter in range(24 * 4):
        moment = start + dt.timedelta(minutes=15 * quarter)
        for traffic in Traffic:
            vietnam_side = gates["VN-LS-HUUNGHI"].open_now(moment, traffic)
            assert vietnam_side == gates["CN-GX-YOUYIGUAN"].open_now(moment, traffic), (moment, traffic)
            open_quarters[traffic] += bool(vietnam_side)
    assert open_quarters == {Traffic.PEOPLE: 13 * 4, Traffic.GOODS: 11 * 4}


def test_open_now_reads_the_gates_local_clock() -> None:
    huu_nghi = _by_unit()["VN-LS-HUUNGHI"]
    at = dt.datetime(2026, 11, 2, 12, 30, tzinfo=dt.UTC)  # 19:30 in Hanoi, 20:30 in Beijing
    assert huu_nghi.local_time(at).strftime("%H:%M") == "19:30"
    assert huu_nghi.open_now(at, Traffic.PEOPLE) is True
    assert huu_nghi.open_now(at, Traffic.GOODS) is False
    assert huu_nghi.open_now(at + dt.timedelta(hours=1), Traffic.PEOPLE) is False
    assert huu_nghi.open_now(dt.datetime(2026, 11, 1, 23, 59, tzinfo=dt.UTC), Traffic.PEOPLE) is False
    assert huu_nghi.open_now(dt.datetime(2026, 11, 2, 0, 0, tzinfo=dt.UTC), Traffic.PEOPLE) is True


def test_gates_without_published_hours_say_so() -> None:
    assert _by_unit()["VN-TQ-THANHTHUY"].open_now(dt.datetime(2026, 11, 2, tzinfo=dt.UTC), Traffic.PEOPLE) is None


def test_lanes_named_in_public_descriptions() -> None:
    gates = _by_unit()
    lao_cai = [lane for lane in gates["VN-LC-LAOCAI"].lanes if lane.automatic]
    assert len(lao_cai) == 6
    assert {lane.traffic for lane in lao_cai} == {Traffic.PEOPLE}
    points = {lane.crossing_point: lane.traffic for lane in gates["VN-QN-MONGCAI"].lanes}
    assert points == {"Bắc Luân I": Traffic.PEOPLE, "Bắc Luân II": Traffic.GOODS}


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(_gate_file())
    change(data["gates"])
    return data


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda gates: gates.append({**gates[0], "unit": "VN-QN"}), "is a provincial unit, not a post"),
        (lambda gates: gates.append({**gates[0], "unit": "VN-NOWHERE"}), "not a unit of the directory"),
        (lambda gates: gates.append(dict(gates[0])), "listed twice"),
        (lambda gates: gates.pop(1), "faces CN-GX-DONGXING, which is not a gate"),
        (lambda gates: gates[0].update(timezone="Asia/Atlantis"), "unknown time zone"),
        (lambda gates: gates[0].update(lanes=[gates[0]["lanes"][0]] * 2), "lane codes repeat"),
        (lambda gates: gates[2].update(hours=[{"traffic": "people", "opens": "20:00", "closes": "07:00"}]),
         "close at"),
        (lambda gates: gates[0].update(lanes=[]), "lanes"),
    ],
)
def test_broken_gate_data_is_refused_with_the_reason(change: Any, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        parse_gates(_broken(change), directory.reference_data())
