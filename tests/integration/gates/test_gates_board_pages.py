"""The gate pages beside the desk, in a browser's shoes: the dashboard of the day, pre-arrival
notices announced from a form, border-resident passes registered from a form, and a holder's
crossing recorded from the pass's page with the children listed on it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.integration.alerts.ui_support import with_peer
from tests.integration.conftest import Persona
from tests.integration.gates.conftest import HeldAlerts
from tests.integration.gates.test_gates_passes import PASS, register

from borderlink.alerts.screening_entries import AlertEntry, AlertPerson
from borderlink.directory import service as directory
from borderlink.gates.alert_screen import AlertFacts
from borderlink.gates.dashboard import dashboard_events
from borderlink.ids import new_id
from borderlink.node import Node
from borderlink.web.i18n import translator

Bearer = Callable[[str], dict[str, str]]
Login = Callable[..., TestClient]
TITLES = {"en": "Gate dashboard", "vi": "Bảng điều hành cửa khẩu", "zh_Hans": "口岸看板"}


@pytest.fixture
def peered(node: Node, tmp_path: Path) -> Node:
    """A notice goes to the facing gate on the other node, so this node has its peer."""
    return with_peer(node, tmp_path / "peer")


def test_the_dashboard_counts_the_days_crossings_in_each_language(
        login: Login, app_client: TestClient, personas: dict[str, Persona], bearer: Bearer,
        held_alerts: HeldAlerts) -> None:
    recorded = app_client.post("/api/v1/gates/crossings", headers=bearer("mongcai.officer"), json={
        "direction": "entry", "person": {"names": ["Nguyễn Văn An"]}})
    assert recorded.status_code == 201, recorded.text
    officer = login("mongcai.officer")
    for language, title in TITLES.items():
        page = officer.get("/gates/dashboard", headers={"Accept-Language": language})
        assert page.status_code == 200, page.text
        assert title in page.text
        assert re.search(r'id="crossings-today">1<', page.text)
    # The province sees its gates, one at a time; a gate it does not cover does not exist for it.
    province = login("qn.commander")
    assert "VN-QN-MONGCAI" in province.get("/gates/dashboard").text
    assert province.get("/gates/dashboard", params={"gate": "VN-LC-LAOCAI"}).status_code == 404


def test_a_vehicle_is_announced_from_the_form_and_listed(
        peered: Node, login: Login, app_client: TestClient, personas: dict[str, Persona], bearer: Bearer,
        held_alerts: HeldAlerts) -> None:
    officer = login("mongcai.officer")
    form = {"plate": "14C-123.45", "driver_names": "Trần Văn Hùng", "driver_birth_date": "1980-02-03",
            "driver_nationality": "VNM", "driver_document_number": "", "containers": "MSKU1234565",
            "cargo_description": "Dried longan, 400 cartons", "hs_code": "081340", "weight_kg": "12000",
            "expected_at": "2026-12-24T09:30:00+07:00", "csrf_token": officer.headers["X-CSRF-Token"]}
    refused = officer.post("/gates/pre-arrivals", data={**form, "hs_code": "fruit"})
    assert refused.status_code == 422
    assert 'id="hs_code-error"' in refused.text
    sent = officer.post("/gates/pre-arrivals", data=form)
    assert sent.status_code == 303, sent.text
    assert sent.headers["location"] == "/gates/pre-arrivals?done=announced"
    listed = officer.get(sent.headers["location"])
    assert translator("vi")("The pre-arrival notice was sent to the facing gate.") in listed.text
    assert "14C-123.45" in listed.text
    assert "VN-QN-MONGCAI → CN-GX-DONGXING" in listed.text
    # A time from the form's date and time picker, without an offset, is the officer's own.
    local = officer.post("/gates/pre-arrivals", data={**form, "plate": "14C-555.66", "expected_at": "2026-12-24T09:30"})
    assert local.status_code == 303, local.text
    notices = app_client.get("/api/v1/gates/pre-arrivals", headers=bearer("mongcai.officer")).json()["items"]
    expected = {n["plate"]: n["expected_at"] for n in notices}
    assert expected["14C-555.66"] == expected["14C-123.45"]


def test_a_pass_is_registered_from_the_form_and_its_holder_crosses_with_a_child(
        login: Login, app_client: TestClient, personas: dict[str, Persona], bearer: Bearer,
        held_alerts: HeldAlerts) -> None:
    missing_child = new_id()
    held_alerts.add(AlertEntry(missing_child, persons=(AlertPerson(("黄小明",), "2019-04-01", "M", "CHN"),)),
                    AlertFacts(missing_child, "missing", "protect", "VN", "VN-QN"))
    officer = login("mongcai.officer")
    form = {"number": "cn-dx-2026-0099", "holder_names": "黄丽\nHoàng Lệ", "holder_birth_date": "1983-05-05",
            "holder_sex": "F", "holder_nationality": "CHN", "commune": "东兴镇",
            "permitted_area": "Thành phố Móng Cái", "children": "黄小明; 2019-04-01\n黄小红",
            "valid_from": "2026-10-01", "valid_until": "2027-09-30", "csrf_token": officer.headers["X-CSRF-Token"]}
    too_long = officer.post("/gates/passes", data={**form, "valid_until": "2027-10-02"})
    assert too_long.status_code == 422
    assert 'id="valid_until-error"' in too_long.text
    made = officer.post("/gates/passes", data=form)
    assert made.status_code == 303, made.text
    assert made.headers["location"] == "/gates/passes/CN-DX-2026-0099?done=registered"
    assert "CN-DX-2026-0099" in officer.get("/gates/passes").text
    pass_page = officer.get(made.headers["location"])
    assert translator("vi")("The border pass was registered.") in pass_page.text
    assert pass_page.text.count('name="pass_children"') == 2
    crossed = officer.post("/gates/crossings", data={"direction": "entry", "border_pass": "CN-DX-2026-0099",
                                                     "pass_children": "0",
                                                     "csrf_token": officer.headers["X-CSRF-Token"]})
    assert crossed.status_code == 303, crossed.text
    listed = app_client.get("/api/v1/gates/crossings", headers=bearer("mongcai.officer")).json()["items"]
    assert sorted(c["names"][0] for c in listed) == ["黄丽", "黄小明"]
    child = next(c for c in listed if c["names"][0] == "黄小明")
    assert (child["border_pass"], child["check"]["result"]) == ("CN-DX-2026-0099", "hit")
    assert child["check"]["hits"][0]["alert_id"] == missing_child


def test_the_api_records_the_children_on_the_pass_with_the_holder(
        app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, held_alerts: HeldAlerts) -> None:
    register(app_client, bearer)
    officer = bearer("mongcai.officer")
    body = {"direction": "entry", "border_pass": PASS["number"], "pass_children": [0]}
    crossed = app_client.post("/api/v1/gates/crossings", headers=officer, json=body)
    assert crossed.status_code == 201, crossed.text
    [child] = crossed.json()["children"]
    assert (child["names"], child["document_type"]) == (["黄小明"], "border_pass")
    beyond = app_client.post("/api/v1/gates/crossings", headers=officer, json={**body, "pass_children": [3]})
    assert beyond.status_code == 422
    assert beyond.json()["field"] == "pass_children"
    without = app_client.post("/api/v1/gates/crossings", headers=officer, json={
        "direction": "entry", "person": {"names": ["黄丽"]}, "pass_children": [0]})
    assert without.status_code == 422


def _dashboard_frames(gate_unit_id: str, action: Callable[[], object]) -> list[str]:
    """Follow the gate's dashboard stream, run `action` (blocking) in a thread, and return the
    frames heard within a few seconds of it."""

    async def scenario() -> list[str]:
        stream = dashboard_events(gate_unit_id, keepalive=30)
        assert await stream.__anext__() == ": connected\n\n"
        waiting = asyncio.ensure_future(stream.__anext__())
        await asyncio.to_thread(action)
        try:
            heard = [await asyncio.wait_for(waiting, timeout=5)]
            with contextlib.suppress(TimeoutError):  # nothing more was published
                heard.append(await asyncio.wait_for(stream.__anext__(), timeout=1))
            return heard
        finally:
            await stream.aclose()

    return asyncio.run(scenario())


def test_the_dashboard_follows_the_gates_crossings_live_and_its_stream_is_only_for_who_covers_the_gate(
        node: Node, login: Login, app_client: TestClient, personas: dict[str, Persona], bearer: Bearer,
        held_alerts: HeldAlerts) -> None:
    with node.session_factory() as session:
        gate_id = directory.get_unit_by_code(session, "VN-QN-MONGCAI").id
    crossings = [{"direction": "entry", "person": {"names": [f"Lê Thị Hoa {n}"]}} for n in range(3)]

    def record_batch() -> None:
        answer = app_client.post("/api/v1/gates/crossings/batch", headers=bearer("mongcai.officer"),
                                 json={"crossings": crossings})
        assert answer.status_code in (200, 201), answer.text

    # One notice for the batch, however many crossings it recorded.
    assert _dashboard_frames(gate_id, record_batch) == [
        f"event: dashboard\ndata: {json.dumps({'gate_unit_id': gate_id})}\n\n"]
    officer = login("mongcai.officer")
    page = officer.get("/gates/dashboard")
    assert 'data-live-stream="/gates/dashboard/stream?gate=VN-QN-MONGCAI"' in page.text
    assert page.text.index('src="/static/request-live.js"') > page.text.index("</title>")
    assert re.search(r'id="crossings-today">3<', page.text)
    # A gate officer elsewhere, and a province that does not cover the gate, are told it does not exist.
    assert login("laocai.officer").get("/gates/dashboard/stream", params={"gate": "VN-QN-MONGCAI"}).status_code == 404
    assert login("qn.commander").get("/gates/dashboard/stream", params={"gate": "VN-LC-LAOCAI"}).status_code == 404
