"""An object type's handle: a hidden object is NotFound with the type's message, a person record is
audited as read, opening an object marks it read for the reader's unit only, and the handle's
references and streams are the ones stored and sent."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.integration.conftest import START, Persona
from tests.integration.shared.test_scoping import _principal, _request_in_feed_of

from borderlink.audit.models import AuditEntry
from borderlink.directory import service as directory
from borderlink.errors import NotFound
from borderlink.hotline.models import OBJECT_TYPE
from borderlink.hotline.service import REQUEST_KIND
from borderlink.node import Node
from borderlink.shared import workfeed
from borderlink.shared.workfeed import ObjectRef

NOT_FOUND = "There is no such request, or you may not see it."


def _person_reads(session: Session, object_id: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.action == "read",
                                                         AuditEntry.object_id == object_id)))


def test_a_hidden_object_is_not_found_as_a_missing_one_with_its_types_message(
        node: Node, personas: dict[str, Persona]) -> None:
    with node.transaction() as session:
        request = _request_in_feed_of(session, "VN-QN-MONGCAI", names_person=True)
        outsider = _principal(session, personas["outsider"])
        with pytest.raises(NotFound) as hidden:
            REQUEST_KIND.visible(session, outsider, request.id)
        with pytest.raises(NotFound) as missing:
            REQUEST_KIND.read(session, outsider, "0190c1d2-0000-7000-8000-000000000000", START)
        assert str(hidden.value) == str(missing.value) == NOT_FOUND
        assert _person_reads(session, request.id) == []  # nothing was returned, so nothing was read


def test_an_object_naming_a_person_is_audited_as_read_once_per_transaction(
        node: Node, personas: dict[str, Persona]) -> None:
    with node.transaction() as session:
        named = _request_in_feed_of(session, "VN-QN-MONGCAI", names_person=True).id
        plain = _request_in_feed_of(session, "VN-QN-MONGCAI", names_person=False).id
    with node.transaction() as session:
        officer = _principal(session, personas["post_officer"])
        assert REQUEST_KIND.visible(session, officer, named).id == named
        assert REQUEST_KIND.read(session, officer, named, START).id == named
        REQUEST_KIND.read(session, officer, plain, START)
    with node.transaction() as session:
        reads = _person_reads(session, named)
        assert [(r.object_type, r.detail) for r in reads] == [("hotline_requests", f"read by {officer.label}")]
        assert _person_reads(session, plain) == []


def test_reading_marks_the_object_read_for_the_readers_unit_and_seeing_it_does_not(
        node: Node, personas: dict[str, Persona]) -> None:
    opened = START + dt.timedelta(minutes=5)
    with node.transaction() as session:
        request = _request_in_feed_of(session, "VN-QN-MONGCAI", names_person=False)
        mongcai = directory.get_unit_by_code(session, "VN-QN-MONGCAI")
        commander = _principal(session, personas["provincial_commander"])
        officer = _principal(session, personas["post_officer"])
        REQUEST_KIND.visible(session, officer, request.id)
        REQUEST_KIND.read(session, commander, request.id, START)  # a unit above: its own feed holds no entry
        entry = workfeed.entry_of(session, REQUEST_KIND.ref(request.id), mongcai.id)
        assert entry is not None
        assert entry.read_at is None
        REQUEST_KIND.read(session, officer, request.id, opened)
        assert entry.read_at == opened
        REQUEST_KIND.touch(session, request.id, opened + dt.timedelta(minutes=1))
        assert entry.read_at is None  # something happened on it: unread again


def test_the_handle_names_the_object_as_the_feed_and_the_exchange_do() -> None:
    assert REQUEST_KIND.ref("r1") == ObjectRef(OBJECT_TYPE, "r1")
    assert REQUEST_KIND.ref("r1").key == "hotline.request:r1"
    assert REQUEST_KIND.stream("r1") == "hotline:r1"
