"""Scoping in SQL: an object is returned only to principals whose units hold it, hidden and missing
objects look the same (404), lists never see hidden rows, and person reads are audited once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.integration.conftest import START, Persona

from borderlink.audit.models import AuditEntry
from borderlink.directory import accounts
from borderlink.directory import service as directory
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import NotFound
from borderlink.hotline.models import (
    OBJECT_TYPE,
    HotlineRequest,
    Priority,
    RequestKind,
    Status,
)
from borderlink.node import Node
from borderlink.shared import scoping, workfeed
from borderlink.shared.replicated import HandlingCode
from borderlink.shared.workfeed import ObjectRef, Reason


def _principal(session: Session, persona: Persona) -> Principal:
    return accounts.principal_for(session, accounts.find_user(session, persona.username), default_timezone="UTC")


def _request_in_feed_of(session: Session, unit_code: str, *, names_person: bool) -> HotlineRequest:
    sender = directory.get_unit_by_code(session, unit_code)
    recipient = directory.get_unit_by_code(session, "CN-GX-DONGXING")
    request = HotlineRequest(
        owner_party="VN", kind=RequestKind.INFORMATION, subject="Verify passport", body="Please verify.",
        priority=Priority.NORMAL, offence_code="07023", handling_code=HandlingCode.H0, names_person=names_person,
        references=[{"type": "person", "name": "Nguyễn Văn A"}] if names_person else [],
        sender_unit_id=sender.id, recipient_unit_id=recipient.id, author_name="officer", status=Status.SENT,
        created_at=START, updated_at=START)
    session.add(request)
    session.flush()
    workfeed.put(session, ObjectRef(OBJECT_TYPE, request.id), sender.id, Reason.SENT, START)
    session.flush()
    return request


def _reads(session: Session, object_id: str) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "read", AuditEntry.object_id == object_id)) or 0


def _get(session: Session, principal: Principal, object_id: str) -> HotlineRequest:
    return scoping.get_visible(session, principal, HotlineRequest, OBJECT_TYPE, object_id,
                               permission=Permission.HOTLINE_READ, names_person=lambda r: r.names_person)


def test_the_unit_and_the_units_above_see_it_others_get_not_found(node: Node, personas: dict[str, Persona]) -> None:
    with node.transaction() as session:
        request = _request_in_feed_of(session, "VN-QN-MONGCAI", names_person=False)
        for name in ("post_officer", "provincial_commander", "central_analyst"):
            assert _get(session, _principal(session, personas[name]), request.id) is request
        outsider = _principal(session, personas["outsider"])
        with pytest.raises(NotFound) as hidden:
            _get(session, outsider, request.id)
        with pytest.raises(NotFound) as missing:
            _get(session, outsider, "0190c1d2-0000-7000-8000-000000000000")
        assert str(hidden.value) == str(missing.value)


def test_without_the_permission_the_object_does_not_exist_either(node: Node, personas: dict[str, Persona]) -> None:
    with node.transaction() as session:
        request = _request_in_feed_of(session, "VN-QN-MONGCAI", names_person=False)
        officer = _principal(session, personas["post_officer"])
        with pytest.raises(NotFound):
            scoping.get_visible(session, officer, HotlineRequest, OBJECT_TYPE, request.id,
                                permission=Permission.HOTLINE_CONFIGURE)


def test_a_list_scoped_in_sql_never_returns_hidden_rows(node: Node, personas: dict[str, Persona]) -> None:
    with node.transaction() as session:
        mine = _request_in_feed_of(session, "VN-QN-MONGCAI", names_person=False)
        _request_in_feed_of(session, "VN-LC-LAOCAI", names_person=False)
        officer = _principal(session, personas["post_officer"])
        units = scoping.scope_units(officer)
        rows = list(session.scalars(select(HotlineRequest).where(
            scoping.visible_clause(OBJECT_TYPE, HotlineRequest.id, units))))
        assert rows == [mine]


def test_a_person_record_is_audited_once_per_transaction_however_often_it_is_fetched(
        node: Node, personas: dict[str, Persona]) -> None:
    with node.transaction() as session:
        named = _request_in_feed_of(session, "VN-QN-MONGCAI", names_person=True)
        plain = _request_in_feed_of(session, "VN-QN-MONGCAI", names_person=False)
        request_ids = (named.id, plain.id)
    with node.transaction() as session:
        officer = _principal(session, personas["post_officer"])
        for _ in range(3):
            _get(session, officer, request_ids[0])
            _get(session, officer, request_ids[1])
    with node.transaction() as session:
        assert _reads(session, request_ids[0]) == 1
        assert _reads(session, request_ids[1]) == 0
        _get(session, _principal(session, personas["post_officer"]), request_ids[0])
    with node.transaction() as session:
        assert _reads(session, request_ids[0]) == 2  # a new transaction is a new read
