"""The alert pages through a browser-like client: every page in vi, zh_Hans and en, the form keeping
what was typed when refused, confirmation before withdrawing, the review queue, the check page, and
who sees what (outsiders get 404)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.integration.alerts.ui_support import with_peer
from tests.integration.conftest import Persona

from borderlink.alerts.models import Alert, Status
from borderlink.audit.models import AuditEntry
from borderlink.domains import code_lists
from borderlink.node import Node
from borderlink.web.i18n import translator

LANGUAGES = ("vi", "zh_Hans", "en")
WANTED_FORM = {
    "kind": "wanted", "name": "王晓红", "aliases": "Wang Xiaohong", "birth_date": "1988-03-14", "gender": "F",
    "nationality": "CHN", "offence_code": "06012", "handling_code": "H0", "distribution": "all",
    "legal_basis_reference": "QD-17/2026", "legal_basis_authority": "Bộ Công an", "legal_basis_date": "2026-10-01",
    "warnings": "armed", "document_type": "passport", "document_number": "E12345678",
}


@pytest.fixture
def issuer(node: Node, personas: dict[str, Persona], tmp_path: Path) -> Node:
    return with_peer(node, tmp_path / "peer")


@pytest.fixture
def login(login: Callable[..., TestClient]) -> Callable[..., TestClient]:
    """The personas' browsers ask for English unless a page names its language (`?lang=`)."""

    def make(username: str) -> TestClient:
        client = login(username)
        client.headers["Accept-Language"] = "en"
        return client

    return make


def _issue(client: TestClient, **changes: str) -> str:
    response = client.post("/alerts/new", data={**WANTED_FORM, **changes})
    assert response.status_code == 303, response.text
    match = re.match(r"/alerts/([0-9a-f-]+)\?done=", response.headers["location"])
    assert match, response.headers["location"]
    return match.group(1)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_alert_page_renders_in_the_viewers_language(issuer: Node, login: Callable[..., TestClient],
                                                         language: str) -> None:
    _ = translator(language)
    analyst = login("central.analyst")
    alert_id = _issue(analyst)
    pages = {
        "/alerts": "Expiring within four months", f"/alerts/{alert_id}": "On a hit:", "/alerts/new": "New alert",
        f"/alerts/{alert_id}/edit": "Edit alert", f"/alerts/{alert_id}/withdraw": "This cannot be undone.",
        f"/alerts/{alert_id}/extend": "New expiry date", "/alerts/review": "Review queue",
        "/screening/check": "Names match across Chinese characters, Pinyin and Vietnamese. Every check is recorded.",
    }
    for path, english in pages.items():
        page = analyst.get(f"{path}?lang={language}")
        assert page.status_code == 200, (path, page.text[:300])
        assert _(english) in page.text, (path, english)
        # The page is translated, not shown in English.
        assert language == "en" or _(english) != english, (language, english)


def test_the_alert_shows_the_names_in_every_rendering_and_the_action_in_large_type(
        issuer: Node, login: Callable[..., TestClient]) -> None:
    analyst = login("central.analyst")
    alert_id = _issue(analyst)
    page = analyst.get(f"/alerts/{alert_id}?done=created&lang=en")
    assert "The alert was issued." in page.text
    assert "王晓红 · Wáng Xiǎohóng · Vương Hiểu Hồng" in page.text
    arrest = code_lists()["alerts.action"].label("arrest", "en")
    assert f'<h2 class="action" id="action">On a hit: {arrest}</h2>' in page.text
    assert code_lists()["alerts.warning_flag"].label("armed", "en") in page.text
    # Offences and units by name, the code as a tooltip.
    assert 'title="06012"' in page.text
    assert 'title="VN-BGC"' in page.text
    # Actions at the top: the owner may edit, extend, withdraw; nothing to flag on one's own alert.
    actions = page.text.split('aria-label="What you may do"')[1].split("</nav>")[0]
    assert f'href="/alerts/{alert_id}/edit"' in actions
    assert f'href="/alerts/{alert_id}/withdraw"' in actions
    assert "#flag" not in actions


def test_a_refused_form_keeps_what_was_typed_and_says_why_beside_the_input(
        issuer: Node, login: Callable[..., TestClient]) -> None:
    analyst = login("central.analyst")
    form = {**WANTED_FORM, "legal_basis_reference": "", "legal_basis_authority": "", "legal_basis_date": "",
            "name": "Nông Thị Hoa", "birth_date": "1990-13-45x"}
    page = analyst.post("/alerts/new?lang=vi", data=form)
    assert page.status_code == 422
    assert 'value="Nông Thị Hoa"' in page.text
    assert 'value="1990-13-45x"' in page.text
    assert 'id="birth_date-error"' in page.text
    checked = re.search(r'name="warnings" value="armed" checked', page.text)
    assert checked, "the ticked warning is kept"
    assert translator("vi")("Please correct the marked fields.") in page.text


def test_withdrawing_asks_first_then_says_it_is_done(issuer: Node, login: Callable[..., TestClient]) -> None:
    analyst = login("central.analyst")
    alert_id = _issue(analyst)
    confirm = analyst.get(f"/alerts/{alert_id}/withdraw")
    assert "This cannot be undone." in confirm.text
    done = analyst.post(f"/alerts/{alert_id}/withdraw", data={"outcome": "fulfilled", "note": "arrested at Móng Cái"})
    assert done.status_code == 303
    assert done.headers["location"] == f"/alerts/{alert_id}?done=fulfilled"
    page = analyst.get(done.headers["location"])
    assert "The alert was marked fulfilled." in page.text
    assert f"/alerts/{alert_id}/withdraw" not in page.text  # an ended alert offers no more steps
    with issuer.transaction() as session:
        alert = session.get(Alert, alert_id)
        assert alert is not None
        assert alert.status == Status.FULFILLED


def test_extending_needs_the_confirmation_and_a_review(issuer: Node, login: Callable[..., TestClient]) -> None:
    analyst = login("central.analyst")
    alert_id = _issue(analyst)
    refused = analyst.post(f"/alerts/{alert_id}/extend", data={"expires_at": "2031-11-01", "review": "still at large"})
    assert refused.status_code == 422
    assert 'value="2031-11-01"' in refused.text
    assert "Confirm the review and the new date first." in refused.text
    # The alert runs five years; an "extension" to an earlier date is refused beside the date.
    too_early = analyst.post(f"/alerts/{alert_id}/extend",
                             data={"expires_at": "2027-01-01", "review": "still at large, seen in Dongxing",
                                   "confirmed": "1"})
    assert too_early.status_code == 422
    assert 'id="expires_at-error"' in too_early.text
    assert "later than the current one" in too_early.text


def test_text_on_forbidden_grounds_waits_in_the_review_queue(issuer: Node, login: Callable[..., TestClient]) -> None:
    analyst = login("central.analyst")
    alert_id = _issue(analyst, name="Lò Văn Páo", aliases="", birth_date="1970", document_number="",
                      description="Organised a protest of the opposition party")
    queue = analyst.get("/alerts/review")
    assert f'href="/alerts/{alert_id}#review"' in queue.text
    page = analyst.get(f"/alerts/{alert_id}")
    assert 'id="review"' in page.text
    rejected = analyst.post(f"/alerts/{alert_id}/review", data={"decision": "reject", "note": "political grounds"})
    assert rejected.headers["location"] == f"/alerts/{alert_id}?done=rejected"
    assert f'href="/alerts/{alert_id}#review"' not in analyst.get("/alerts/review").text


def test_who_sees_what(issuer: Node, login: Callable[..., TestClient]) -> None:
    analyst = login("central.analyst")
    published = _issue(analyst)
    draft = _issue(analyst, name="Lê Văn Tám", aliases="", birth_date="1979", document_number="", draft="1")
    officer = login("mongcai.officer")
    outsider = login("laocai.officer")
    provincial = login("qn.commander")
    # A draft exists only for the issuing unit's chain: everyone else gets 404, as for an unknown id.
    for client in (officer, outsider, provincial):
        assert client.get(f"/alerts/{draft}").status_code == 404
        assert draft not in client.get("/alerts").text
    # A published alert is read by every holder of alerts.read of the node, without the owner's steps.
    page = officer.get(f"/alerts/{published}")
    assert page.status_code == 200
    assert f"/alerts/{published}/edit" not in page.text
    assert officer.get("/alerts/new").status_code == 403
    # A provincial commander issues alerts, but not changes of a central unit's alert: 404.
    assert provincial.get(f"/alerts/{published}/edit").status_code == 404
    assert provincial.get(f"/alerts/{published}/withdraw").status_code == 404
    assert provincial.post(f"/alerts/{published}/withdraw", data={"outcome": "withdrawn"}).status_code in (403, 404)


def test_the_check_page_finds_the_alert_across_scripts_and_is_audited(
        issuer: Node, login: Callable[..., TestClient]) -> None:
    analyst = login("central.analyst")
    alert_id = _issue(analyst)
    officer = login("mongcai.officer")
    found = officer.post("/screening/check?lang=vi", data={"name": "Vương Hiểu Hồng", "birth_date": "1988"})
    assert found.status_code == 200
    assert f'href="/alerts/{alert_id}"' in found.text
    assert 'value="Vương Hiểu Hồng"' in found.text  # the form keeps the query
    assert translator("vi")("On a hit:") in found.text
    latin = officer.post("/screening/check", data={"name": "WANG XIAOHONG"})
    assert f'href="/alerts/{alert_id}"' in latin.text
    empty = officer.post("/screening/check", data={"birth_date": "1988"})
    assert empty.status_code == 422
    assert "Give a name, a document number or a plate to check." in empty.text
    with issuer.transaction() as session:
        checks = session.scalars(select(AuditEntry.detail).where(AuditEntry.action == "screen")).all()
    assert sum(1 for detail in checks if detail and "Vương Hiểu Hồng" in detail) == 1


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


def test_the_issuing_side_adds_a_photo_that_the_alert_shows(issuer: Node, login: Callable[..., TestClient]) -> None:
    analyst = login("central.analyst")
    alert_id = _issue(analyst)
    added = analyst.post(f"/attachments/alerts.alert/{alert_id}", data={"next": f"/alerts/{alert_id}"},
                         files={"file": ("wang.png", PNG, "image/png")})
    assert added.status_code == 303, added.text
    assert added.headers["location"] == f"/alerts/{alert_id}?done=attached"
    page = analyst.get(added.headers["location"])
    assert "The file was attached." in page.text
    photo = re.search(r'<img class="thumb" src="/attachments/([0-9a-f-]+)" alt="Photo: 王晓红">', page.text)
    assert photo, "the photo is shown with the person"
    # An issuer who may not change the alert adds nothing to it.
    provincial = login("qn.commander")
    refused = provincial.post(f"/attachments/alerts.alert/{alert_id}", data={"next": f"/alerts/{alert_id}"},
                              files={"file": ("other.png", PNG, "image/png")})
    assert refused.status_code == 403
    assert analyst.get(f"/alerts/{alert_id}").text.count('alt="Photo: 王晓红"') == 1


def test_the_list_filters_and_the_owner_hides_an_alert_from_the_other_side(
        issuer: Node, login: Callable[..., TestClient]) -> None:
    analyst = login("central.analyst")
    wanted = _issue(analyst)
    document = _issue(analyst, kind="document", name="", aliases="", birth_date="", gender="", nationality="",
                      legal_basis_reference="", legal_basis_authority="", legal_basis_date="", warnings="",
                      document_number="C0123456", document_state="VNM")
    by_kind = analyst.get("/alerts?kind=document").text
    assert f'href="/alerts/{document}"' in by_kind
    assert f'href="/alerts/{wanted}"' not in by_kind
    assert f'href="/alerts/{wanted}"' in analyst.get("/alerts?side=owner").text
    assert f'href="/alerts/{wanted}"' not in analyst.get("/alerts?side=replica").text
    # Five years out is not "expiring within four months"; a month out is, and the box stays ticked.
    soon = _issue(analyst, kind="document", name="", aliases="", birth_date="", gender="", nationality="",
                  legal_basis_reference="", legal_basis_authority="", legal_basis_date="", warnings="",
                  document_number="C7654321", document_state="VNM",
                  expires_at=(dt.date.today() + dt.timedelta(days=30)).isoformat())
    expiring = analyst.get("/alerts?expiring=1").text
    assert f'href="/alerts/{wanted}"' not in expiring
    assert f'href="/alerts/{soon}"' in expiring
    assert 'name="expiring" value="1" checked' in expiring
    assert f'href="/alerts/{wanted}"' in analyst.get("/alerts?expiring=&kind=bogus&limit=0").text
    hidden = analyst.post(f"/alerts/{wanted}/visibility", data={"hidden": "1"})
    assert hidden.headers["location"] == f"/alerts/{wanted}?done=hidden"
    page = analyst.get(hidden.headers["location"]).text
    assert "The alert is hidden from the other side." in page
    assert "Show to the other side again" in page
    shown = analyst.post(f"/alerts/{wanted}/visibility", data={"hidden": "0"})
    assert shown.headers["location"] == f"/alerts/{wanted}?done=shown"
