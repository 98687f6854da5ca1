"""Shared alerts between two real node processes: CN's central analyst issues a wanted alert, VN
shows it in Vietnamese and finds it in checks in any script, CN withdraws it and VN no longer finds
it; with the nodes' clock moved forward an alert expires and is purged on both nodes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.e2e.nodes import NodePair, PairFactory, poll

pytestmark = pytest.mark.e2e

TIMEOUT = 30.0  # seconds; generous for a loaded machine (delivery takes well under a second)

WANTED: dict[str, Any] = {
    "kind": "wanted",
    "person": {"names": ["王晓红"], "birth_date": "1988-03-14", "gender": "F", "nationality": "CHN"},
    "offence_code": "06012",
    "legal_basis": {"reference": "桂公逮字〔2026〕7号", "authority": "广西壮族自治区公安厅", "date": "2026-10-01"},
    "handling_code": "H1",
}


@pytest.fixture(scope="module")
def offset_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clock") / "offset"
    path.write_text("0")
    return path


@pytest.fixture(autouse=True)
def clock_at_now(offset_file: Path) -> Iterator[None]:
    """Each test starts at the real time: the file is shared by the SQLite and PostgreSQL pairs."""
    offset_file.write_text("0")
    yield
    offset_file.write_text("0")


@pytest.fixture(scope="module")
def pair(node_pair_factory: PairFactory, offset_file: Path) -> NodePair:
    return node_pair_factory(env={"BORDERLINK_CLOCK_OFFSET_FILE": str(offset_file),
                                  "BORDERLINK_EXCHANGE_BACKOFF_MAX_SECONDS": "1"}, name="alerts")


@pytest.fixture(scope="module")
def analyst(pair: NodePair) -> Iterator[httpx.Client]:
    with pair.cn.client("analyst") as client:
        yield client


@pytest.fixture(scope="module")
def officer(pair: NodePair) -> Iterator[httpx.Client]:
    with pair.vn.client("mongcai.officer") as client:
        client.headers["Accept-Language"] = "vi"
        yield client


def found(officer: httpx.Client, query: dict[str, Any]) -> list[str]:
    response = officer.post("/api/v1/screening/check", json=query)
    assert response.status_code == 200, response.text
    return [match["alert_id"] for match in response.json()["matches"]]


def test_wanted_alert_is_shown_and_found_on_the_other_node_until_withdrawn(
        analyst: httpx.Client, officer: httpx.Client) -> None:
    created = analyst.post("/api/v1/alerts", json=WANTED)
    assert created.status_code == 201, created.text
    alert_id = created.json()["id"]
    assert created.json()["status"] == "active"

    replica = poll(lambda: (r := officer.get(f"/api/v1/alerts/{alert_id}")).status_code == 200 and r.json(),
                   TIMEOUT, message="the replica on the VN node")
    assert replica["id"] == alert_id
    assert replica["side"] == "replica"
    assert replica["labels"]["kind"] == "truy nã (bắt giữ để bàn giao)"
    assert replica["labels"]["action"] == "bắt giữ"
    assert "Vương Hiểu Hồng" in replica["person"]["renderings"]

    for query in ({"name": "Vương Hiểu Hồng", "birth_date": "1988"}, {"name": "WANG XIAOHONG"}):
        assert alert_id in found(officer, query), query
    match = officer.post("/api/v1/screening/check", json={"name": "Vương Hiểu Hồng", "birth_date": "1988"}).json()
    explained = next(m for m in match["matches"] if m["alert_id"] == alert_id)["explanation"]
    assert any("ngày sinh" in line for line in explained), explained

    withdrawn = analyst.post(f"/api/v1/alerts/{alert_id}/withdraw", json={"note": "warrant revoked"})
    assert withdrawn.status_code == 200, withdrawn.text
    poll(lambda: alert_id not in found(officer, {"name": "WANG XIAOHONG"}), TIMEOUT,
         message="the withdrawn alert leaving VN's screening")
    assert officer.get(f"/api/v1/alerts/{alert_id}").json()["status"] == "withdrawn"


def test_an_alert_expires_and_is_purged_on_both_nodes(analyst: httpx.Client, officer: httpx.Client,
                                                       offset_file: Path) -> None:
    body = dict(WANTED, person={"names": ["李国强"], "birth_date": "1979-06-02", "gender": "M"},
                expires_at=(dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat())
    created = analyst.post("/api/v1/alerts", json=body)
    assert created.status_code == 201, created.text
    alert_id = created.json()["id"]
    poll(lambda: alert_id in found(officer, {"name": "LI GUOQIANG"}), TIMEOUT, message="the alert reaching VN")

    offset_file.write_text(str(3 * 86400))  # three days on: past its expiry
    poll(lambda: alert_id not in found(officer, {"name": "LI GUOQIANG"}), TIMEOUT, message="expiry on VN")
    for client in (analyst, officer):
        poll(lambda c=client: c.get(f"/api/v1/alerts/{alert_id}").json()["status"] == "expired", TIMEOUT,
             message="the alert expired")

    offset_file.write_text(str(40 * 86400))  # past the retention of ended alerts
    for client in (analyst, officer):
        tomb = poll(lambda c=client: (t := c.get(f"/api/v1/alerts/{alert_id}").json())["purged"] and t, TIMEOUT,
                    message="the alert purged")
        assert tomb["person"] is None
        assert tomb["legal_basis"] is None
        assert tomb["kind"] == "wanted"
        assert tomb["status"] == "expired"
