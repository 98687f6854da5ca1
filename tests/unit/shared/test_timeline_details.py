"""Timeline details are message ids with parameters, shown in the viewer's language."""

from __future__ import annotations

import datetime as dt

import pytest

from borderlink.hotline.models import TIMELINE as REQUEST_TIMELINE
from borderlink.shared.timeline import N_, Detail, EventKind, Timeline, TimelineEvent, render_detail

AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def event(kind: str, detail: Detail | None) -> TimelineEvent:
    return TimelineEvent(id="e1", object_type="hotline.request", object_id="r1", kind=kind, at=AT, party="VN",
                         unit_code=None, message=detail.message if detail else None,
                         params=dict(detail.params) if detail else {})


def test_an_escalation_reaches_a_chinese_page_in_chinese() -> None:
    escalated = event("escalated", REQUEST_TIMELINE.detail("escalated", level=1, units="VN-QN / CN-GX"))
    assert REQUEST_TIMELINE.render(escalated) == "level 1: VN-QN / CN-GX"
    chinese = REQUEST_TIMELINE.render(escalated, "zh_Hans")
    vietnamese = REQUEST_TIMELINE.render(escalated, "vi")
    assert chinese is not None
    assert vietnamese is not None
    assert "level" not in chinese
    assert "VN-QN / CN-GX" in chinese
    assert "level" not in vietnamese
    assert "VN-QN / CN-GX" in vietnamese


def test_code_values_in_a_detail_are_translated_too() -> None:
    held = event("held", REQUEST_TIMELINE.detail("held", grounds=["political", "religious"]))
    assert REQUEST_TIMELINE.render(held) == "held for a supervisor: possible political, religious grounds"
    chinese = REQUEST_TIMELINE.render(held, "zh_Hans")
    assert chinese is not None
    assert "political" not in chinese
    assert "held" not in chinese
    assert REQUEST_TIMELINE.render(held, "en") == "held for a supervisor: possible political, religious grounds"


def test_what_a_person_wrote_is_shown_as_written_in_every_language() -> None:
    note = event("released", Detail.text("mongcai.commander@VN-QN-MONGCAI: smuggling, not political"))
    for language in ("en", "vi", "zh_Hans"):
        assert REQUEST_TIMELINE.render(note, language) == \
            "mongcai.commander@VN-QN-MONGCAI: smuggling, not political"
    assert REQUEST_TIMELINE.render(event("sent", None)) is None


def test_a_peer_cannot_choose_the_message_this_node_formats() -> None:
    forged = {"kind": "escalated", "detail": "level 9", "message": "%(x)s%(y)s", "params": {"x": 1}}
    assert REQUEST_TIMELINE.detail_from_payload("escalated", forged) == Detail.text("level 9")
    declared = {"detail": "level 1: A / B", "message": "level %(level)s: %(units)s",
                "params": {"level": 1, "units": "A / B"}}
    assert REQUEST_TIMELINE.detail_from_payload("escalated", declared) == \
        Detail("level %(level)s: %(units)s", {"level": 1, "units": "A / B"})
    older_peer = {"detail": "Dongxing officer"}
    assert REQUEST_TIMELINE.detail_from_payload("acknowledged", older_peer) == Detail.text("Dongxing officer")


def test_parameters_that_do_not_fit_their_message_do_not_break_the_page() -> None:
    broken = event("escalated", Detail("level %(level)s: %(units)s", {"level": 1}))
    assert render_detail(broken) == "level %(level)s: %(units)s"


def test_unknown_kinds_are_refused_when_recording_and_details_need_a_message() -> None:
    timeline = Timeline("things", kinds=[EventKind("made"), EventKind("noted", N_("noted by %(who)s"))])
    with pytest.raises(ValueError, match="not one of its event kinds"):
        timeline.kind("destroyed")
    with pytest.raises(ValueError, match="carry no message"):
        timeline.detail("made")
    assert timeline.detail("noted", who="x") == Detail("noted by %(who)s", {"who": "x"})
