"""Owner-only changes, versions that only move forward, and one screening rule for both sides."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from borderlink.errors import InvalidInput
from borderlink.exchange.registry import InboundEnvelope, Rejected
from borderlink.shared.replicated import (
    ScreeningRefused,
    Side,
    accept_version,
    check_received_offence,
    check_received_text,
    is_newer,
    record_change,
    rejecting,
    require_owner,
    require_replica,
    require_sender_is_owner,
    require_sender_on,
    screening_flags,
    side_of,
    touch,
    validate_contribution_text,
)

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


@dataclasses.dataclass
class Thing:
    id: str = "0190d4e2-0000-7000-8000-000000000001"
    owner_party: str = "VN"
    version: int = 1
    updated_at: dt.datetime = T0


def envelope(sender: str) -> InboundEnvelope:
    return InboundEnvelope(id="e1", kind="things.change", sender_party=sender,
                           recipient_party="CN" if sender == "VN" else "VN", sender_unit=None,
                           recipient_unit=None, handling_code="H0", created_at=T0, stream="things:1",
                           seq=1, body={}, received_at=T0, receipted=True)


def test_the_side_of_a_party() -> None:
    assert side_of(Thing(), "VN") is Side.OWNER
    assert side_of(Thing(), "CN") is Side.REPLICA


def test_only_the_owner_changes_core_fields_locally() -> None:
    require_owner(Thing(), "VN", "only the owner")
    with pytest.raises(InvalidInput, match="only the owner"):
        require_owner(Thing(), "CN", "only the owner")
    require_replica(Thing(), "CN", "only the replica")
    with pytest.raises(InvalidInput):
        require_replica(Thing(), "VN", "only the replica")


def test_a_core_change_from_a_peer_that_does_not_own_the_object_is_rejected() -> None:
    require_sender_is_owner(Thing(owner_party="CN"), envelope("CN"))
    with pytest.raises(Rejected, match="only the owner of the thing"):
        require_sender_is_owner(Thing(owner_party="VN"), envelope("CN"), "thing")


def test_a_step_of_one_side_reported_by_the_other_is_rejected() -> None:
    require_sender_on(Thing(owner_party="VN"), envelope("CN"), Side.REPLICA, "confirming")
    with pytest.raises(Rejected, match="replica side"):
        require_sender_on(Thing(owner_party="VN"), envelope("VN"), Side.REPLICA, "confirming")


def test_versions_only_move_forward_so_a_repeated_copy_changes_nothing() -> None:
    thing = Thing()
    record_change(thing, T0 + dt.timedelta(minutes=1))
    assert (thing.version, thing.updated_at) == (2, T0 + dt.timedelta(minutes=1))
    replica = Thing(owner_party="VN")
    assert accept_version(replica, 2)
    assert not accept_version(replica, 2)
    assert not is_newer(replica, 1)
    assert replica.version == 2


def test_activity_time_never_goes_back() -> None:
    thing = Thing()
    touch(thing, T0 - dt.timedelta(hours=1))
    assert thing.updated_at == T0


def test_a_contribution_is_screened_the_same_way_on_both_sides() -> None:
    validate_contribution_text(["The suspect crossed at gate 3 with forged papers."], "the reply")
    with pytest.raises(ScreeningRefused) as refused:
        validate_contribution_text(["Nhóm biểu tình chính trị"], "the reply")
    assert refused.value.grounds == ["political"]
    assert "the reply mentions possible political grounds" in rejecting(refused.value).reason


def test_a_peer_s_flagged_text_or_unlisted_offence_refuses_its_message() -> None:
    check_received_text(["The suspect crossed at gate 3 with forged papers."], "the note")
    with pytest.raises(Rejected, match="the note mentions possible political grounds"):
        check_received_text(["Nhóm biểu tình chính trị"], "the note")
    check_received_offence("06012")
    with pytest.raises(Rejected, match="offence code 99999 is not on this node's allow-list"):
        check_received_offence("99999")


def test_screening_flags_name_the_ground_and_the_term_found() -> None:
    assert screening_flags(["The suspect crossed at gate 3."]) == []
    flags = screening_flags(["", "Nhóm biểu tình chính trị"])
    assert {flag["ground"] for flag in flags} == {"political"}
    assert all(flag["term"] for flag in flags)


def test_a_peer_s_time_without_a_zone_is_utc() -> None:
    from borderlink.shared.replicated import received_time

    assert received_time("2026-03-01T08:00:00") == T0
    assert received_time("2026-03-01T15:00:00+07:00") == T0
