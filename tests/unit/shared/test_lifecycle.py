"""Transition tables: local steps are checked for state, side and permission; reported steps for
side; and the state reached does not depend on the order events arrive in."""

from __future__ import annotations

import itertools

import pytest

from borderlink.errors import Forbidden, InvalidInput
from borderlink.exchange.registry import Rejected
from borderlink.hotline.models import LIFECYCLE as REQUEST_LIFECYCLE
from borderlink.shared.lifecycle import INITIAL, Lifecycle, Transition
from borderlink.shared.replicated import Side

NOTICE = Lifecycle("notice", precedence=("draft", "issued", "confirmed", "withdrawn"), transitions=(
    Transition("issued", (INITIAL, "draft"), "issued", Side.OWNER, "notices.issue"),
    Transition("confirmed", ("issued",), "confirmed", Side.REPLICA, "notices.read"),
    Transition("withdrawn", ("issued", "confirmed"), "withdrawn", Side.OWNER, "notices.issue"),
    Transition("commented", ("issued", "confirmed"), None),
))


def everyone(_: str) -> bool:
    return True


def test_a_step_is_allowed_from_its_sources_by_its_side() -> None:
    transition = NOTICE.require("issued", "confirmed", side=Side.REPLICA, can=everyone)
    assert transition.target == "confirmed"


def test_a_step_from_the_wrong_state_is_refused_with_the_domain_s_words() -> None:
    with pytest.raises(InvalidInput, match="not issued yet"):
        NOTICE.require("draft", "confirmed", side=Side.REPLICA, can=everyone, wrong_state="not issued yet")


def test_a_step_of_the_other_side_is_refused() -> None:
    with pytest.raises(InvalidInput, match="owner side"):
        NOTICE.require("issued", "withdrawn", side=Side.REPLICA, can=everyone)


def test_a_step_without_its_permission_is_forbidden() -> None:
    with pytest.raises(Forbidden):
        NOTICE.require("draft", "issued", side=Side.OWNER, can=lambda p: p == "notices.read")


def test_an_unknown_step_is_refused() -> None:
    with pytest.raises(InvalidInput):
        NOTICE.require("issued", "archived", side=Side.OWNER, can=everyone)


def test_a_peer_may_report_only_the_steps_of_its_own_side() -> None:
    assert NOTICE.require_side("confirmed", Side.REPLICA).event == "confirmed"
    assert NOTICE.require_side("commented", Side.OWNER).target is None  # either side
    with pytest.raises(Rejected, match="owner side"):
        NOTICE.require_side("withdrawn", Side.REPLICA)
    with pytest.raises(Rejected):
        NOTICE.require_side("archived", Side.OWNER)


def test_advance_only_moves_forward() -> None:
    assert NOTICE.advance("confirmed", "issued") == "confirmed"
    assert NOTICE.advance("issued", "confirmed") == "confirmed"
    assert NOTICE.advance("confirmed", "commented") == "confirmed"


@pytest.mark.parametrize("order", list(itertools.permutations(["sent", "delivered", "acknowledged", "answered"])))
def test_request_events_in_any_order_give_the_same_status(order: tuple[str, ...]) -> None:
    assert REQUEST_LIFECYCLE.state_from(order) == "answered"


def test_a_close_that_overtakes_the_answer_stays_closed() -> None:
    assert REQUEST_LIFECYCLE.state_from(["sent", "closed", "delivered", "answered"]) == "closed"


def test_a_table_naming_a_state_without_precedence_is_refused() -> None:
    with pytest.raises(ValueError, match="precedence"):
        Lifecycle("broken", precedence=("a",), transitions=(Transition("go", ("a",), "b"),))
    with pytest.raises(ValueError, match="twice"):
        Lifecycle("broken", precedence=("a",), transitions=(Transition("go", ("a",), "a"),
                                                             Transition("go", ("a",), "a")))
