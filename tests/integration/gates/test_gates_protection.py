"""A hit on a protected person routes to protection: a victim on one of this node's cases, or the
subject of a victim alert, is to be protected, never arrested or held, and the crossing's result,
the hit and its page say so in the officer's language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.integration.alerts.ui_support import with_peer
from tests.integration.conftest import Persona
from tests.integration.gates.conftest import HeldAlerts
from tests.integration.gates.test_gates_crossings import URL, WANG_MRZ, wanted_wang
from tests.support.statements import statements_sent

from borderlink.node import Node
from borderlink.shared import protected_persons
from borderlink.shared.protected_persons import Person

Bearer = Callable[[str], dict[str, str]]
Login = Callable[..., TestClient]
TRAFFICKING_CASE: dict[str, Any] = {
    "title": "Trafficking route Móng Cái – Dongxing", "case_type": "trafficking_persons",
    "offence_codes": ["02041"], "summary": "Women taken across the river with promises of factory work.",
    "unit_codes": ["CN-GX-DONGXING", "VN-QN-MONGCAI"],
    "legal_basis": "2001 agreement on crime prevention between the two ministries",
}
PROTECTED_WORDS = {"en": "protected person", "vi": "được bảo vệ", "zh_Hans": "受保护"}


@pytest.fixture
def peered(node: Node, tmp_path: Path) -> Node:
    """A joint case names a unit of the other side, so this node has its peer."""
    return with_peer(node, tmp_path / "peer")


def victim_on_a_case(app_client: TestClient, bearer: Bearer) -> None:
    headers = bearer("qn.commander")
    case = app_client.post("/api/v1/cases", json=TRAFFICKING_CASE, headers=headers)
    assert case.status_code == 201, case.text
    person = app_client.post(f"/api/v1/cases/{case.json()['id']}/persons", headers=headers, json={
        "role": "victim", "name": "王晓红", "birth_date": "1988-03-14", "gender": "F"})
    assert person.status_code == 201, person.text


def _entry(app_client: TestClient, bearer: Bearer, language: str = "en") -> dict[str, Any]:
    response = app_client.post(URL, headers={**bearer("mongcai.officer"), "Accept-Language": language},
                               json={"direction": "entry", "mrz": WANG_MRZ})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_wanted_alert_hit_on_a_victim_of_a_case_asks_for_protection_in_each_language(
        peered: Node, app_client: TestClient, personas: dict[str, Persona], bearer: Bearer,
        held_alerts: HeldAlerts) -> None:
    wanted_wang(held_alerts, kind="wanted", action="arrest")
    victim_on_a_case(app_client, bearer)
    for language, words in PROTECTED_WORDS.items():
        check = _entry(app_client, bearer, language)["check"]
        assert check["result"] == "hit"
        [hit] = check["hits"]
        assert (hit["action"], hit["protected"]) == ("protect", True)
        assert words in check["instruction"].lower()
        shown = app_client.get(f"/api/v1/hits/{hit['id']}",
                               headers={**bearer("mongcai.officer"), "Accept-Language": language}).json()
        assert (shown["action"], shown["protected"]) == ("protect", True)
        assert words in shown["protection_note"].lower()
    # Held is never recorded for a protected person; protected is.
    officer = bearer("mongcai.officer")
    refused = app_client.post(f"/api/v1/hits/{hit['id']}/outcome", json={"outcome": "held"}, headers=officer)
    assert refused.status_code == 422
    assert refused.json()["field"] == "outcome"
    done = app_client.post(f"/api/v1/hits/{hit['id']}/outcome", json={"outcome": "protected"}, headers=officer)
    assert done.status_code == 200, done.text
    assert done.json()["outcome"] == "protected"


def test_a_hit_on_a_victim_alert_asks_for_protection_whatever_the_alert_asked(
        app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, held_alerts: HeldAlerts) -> None:
    wanted_wang(held_alerts, kind="victim", action="discreet_check")
    [hit] = _entry(app_client, bearer)["check"]["hits"]
    assert (hit["action"], hit["protected"]) == ("protect", True)


def test_a_wanted_persons_hit_stays_an_arrest_when_nobody_protects_them(
        app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, held_alerts: HeldAlerts) -> None:
    wanted_wang(held_alerts, kind="wanted", action="arrest")
    check = _entry(app_client, bearer)["check"]
    [hit] = check["hits"]
    assert (hit["action"], hit["protected"]) == ("arrest", False)
    assert "protected person" not in check["instruction"].lower()


def test_the_crossing_and_hit_pages_say_the_person_is_protected(
        peered: Node, login: Login, app_client: TestClient, personas: dict[str, Persona], bearer: Bearer,
        held_alerts: HeldAlerts) -> None:
    wanted_wang(held_alerts, kind="wanted", action="arrest")
    victim_on_a_case(app_client, bearer)
    crossing = _entry(app_client, bearer)
    officer = login("mongcai.officer")
    page = officer.get(f"/gates/crossings/{crossing['id']}")
    assert page.status_code == 200, page.text
    assert 'data-protected="true"' in page.text
    hit_page = officer.get(f"/gates/hits/{crossing['check']['hits'][0]['id']}")
    assert 'id="protection"' in hit_page.text
    assert '<option value="held">' not in hit_page.text
    assert '<option value="protected">' in hit_page.text


def test_the_victims_a_traveller_may_be_are_looked_up_by_their_names_keys(
        peered: Node, app_client: TestClient, personas: dict[str, Persona], bearer: Bearer) -> None:
    """The protection check reads only the victims who share a name key with the travellers, in
    one read for all of them, and still applies the same-person rule (the birth date) to them."""
    victim_on_a_case(app_client, bearer)
    travellers = [Person(("WANG XIAOHONG",), "1988-03-14", "F"), Person(("Phạm Minh Đức",), "1988-03-14"),
                  Person(("WANG XIAOHONG",), "1990-07-01", "F"), Person(("",))]
    with peered.transaction() as session, statements_sent(peered.engine) as statements:
        found = protected_persons.protecting_each(session, travellers)
    assert [[p.object_type for p in protections] for protections in found] == [["case_persons"], [], [], []]
    read = [s for s in statements if "FROM case_persons" in s]
    assert len(read) == 1
    assert "name_search_keys" in read[0]
