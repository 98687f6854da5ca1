"""The gate desk in a browser's shoes: a zone typed by a passport reader fills and records a
crossing whose page shows the red result and the action; the owner answers on the hit's page."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from tests.integration.conftest import Persona
from tests.integration.gates.conftest import HeldAlerts
from tests.integration.gates.test_gates_crossings import WANG_MRZ, wanted_wang

from borderlink.web.i18n import translator

Login = Callable[..., TestClient]
EMPTY = dict.fromkeys(("names", "surname", "given_names", "birth_date", "sex", "nationality", "document_type",
                       "document_number", "issuing_state", "document_expiry", "purpose", "vehicle_plate",
                       "border_pass", "lane"), "")


def test_a_zone_from_the_reader_records_a_red_crossing_and_the_owner_confirms(
        login: Login, personas: dict[str, Persona], held_alerts: HeldAlerts) -> None:
    wanted_wang(held_alerts)
    officer = login("mongcai.officer")
    desk = officer.get("/gates")
    assert desk.status_code == 200
    assert 'id="mrz"' in desk.text
    # A keyboard-wedge reader types each line and Enter; the form sends what the field holds.
    typed = WANG_MRZ.replace("\n", "\r\n") + "\r\n"
    recorded = officer.post("/gates/crossings", data={**EMPTY, "direction": "entry", "mrz": typed,
                                                      "gate_unit_code": "VN-QN-MONGCAI",
                                                      "csrf_token": officer.headers["X-CSRF-Token"]})
    assert recorded.status_code == 303, recorded.text
    assert recorded.headers["location"].endswith("?done=recorded")
    page = officer.get(recorded.headers["location"])
    assert translator("vi")("The crossing was recorded and checked.") in page.text
    assert 'data-result="hit"' in page.text
    assert "WANG XIAOHONG" in page.text
    hit_link = re.search(r'href="(/gates/hits/[0-9a-f-]+)"', page.text)
    assert hit_link
    owner = login("qn.commander")
    hit_page = owner.get(hit_link.group(1))
    assert 'value="confirm"' in hit_page.text
    answered = owner.post(hit_link.group(1) + "/answer", data={"decision": "confirm", "note": "",
                                                               "csrf_token": owner.headers["X-CSRF-Token"]})
    assert answered.status_code == 303
    assert answered.headers["location"] == hit_link.group(1) + "?done=confirmed"
    assert 'value="confirm"' not in owner.get(hit_link.group(1)).text
    confirmed = translator("vi")("You confirmed the hit: it is the person. The gate sees it at once.")
    assert confirmed in owner.get(answered.headers["location"]).text
    assert confirmed not in owner.get(hit_link.group(1)).text
    # The gate records what it did on the same page; a blank note is no note.
    refused = officer.post(hit_link.group(1) + "/outcome", data={"outcome": "", "note": " "})
    assert refused.status_code == 422
    assert 'id="outcome-error"' in refused.text
    recorded_outcome = officer.post(hit_link.group(1) + "/outcome", data={"outcome": "held", "note": "  "})
    assert (recorded_outcome.status_code, recorded_outcome.headers["location"]) == \
        (303, hit_link.group(1) + "?done=outcome")


def test_a_bad_zone_is_shown_beside_the_field(login: Login, personas: dict[str, Persona],
                                              held_alerts: HeldAlerts) -> None:
    officer = login("mongcai.officer")
    broken = WANG_MRZ.replace("8803148", "8803149")
    shown = officer.post("/gates/crossings", data={**EMPTY, "direction": "entry", "mrz": broken,
                                                   "csrf_token": officer.headers["X-CSRF-Token"]})
    assert shown.status_code == 422
    assert 'id="mrz-error"' in shown.text
    assert "birth_date" in shown.text
