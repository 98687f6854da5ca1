"""The hotline's stored events move into the shared timeline: same ids, times and sides; English
details the node wrote become message ids with parameters, words people wrote stay as written;
and a downgrade moves them back."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from borderlink import migrate
from borderlink.db import make_engine

BEFORE, AFTER = "0010", "0011"
AT = "2026-03-01 08:00:00+00:00"
OLD_EVENTS = (
    ("e1", "held", "held for a supervisor: possible political, religious grounds"),
    ("e2", "released", "boss@VN-QN-MONGCAI: smuggling, not political"),
    ("e3", "sent", None),
    ("e4", "escalated", "level 1: VN-QN / CN-GX"),
)


@pytest.fixture
def database(empty_database: str) -> Iterator[tuple[str, Engine]]:
    engine = make_engine(empty_database)
    yield empty_database, engine
    engine.dispose()


def _seed_old_events(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO parties (code, name_vi, name_zh, name_en, is_local) "
                          "VALUES ('VN', 'Việt Nam', '越南', 'Viet Nam', true)"))
        conn.execute(text("INSERT INTO units (id, code, party_code, tier, name_vi, name_zh, name_en, is_active) "
                          "VALUES ('u1', 'VN-QN-MONGCAI', 'VN', 'post', 'Móng Cái', '芒街', 'Mong Cai', true)"))
        conn.execute(text(
            'INSERT INTO hotline_requests (id, owner_party, kind, subject, body, priority, offence_code, '
            'handling_code, "references", names_person, sender_unit_id, recipient_unit_id, author_name, status, '
            'created_at, escalation_level, escalation_done, screening_flags, search_text, updated_at, version) '
            "VALUES ('r1', 'VN', 'information', 's', 'b', 'normal', '06011', 'H0', '[]', false, 'u1', 'u1', 'a', "
            "'sent', :at, 0, false, '[]', '', :at, 1)"), {"at": AT})
        for event_id, kind, detail in OLD_EVENTS:
            conn.execute(text("INSERT INTO hotline_events (id, request_id, kind, at, party, unit_code, detail) "
                              "VALUES (:id, 'r1', :kind, :at, 'VN', 'VN-QN-MONGCAI', :detail)"),
                         {"id": event_id, "kind": kind, "at": AT, "detail": detail})


def _params(value: object) -> object:
    return json.loads(value) if isinstance(value, str) else value


def test_hotline_events_move_into_the_shared_timeline_and_back(database: tuple[str, Engine]) -> None:
    url, engine = database
    migrate.upgrade(url, revision=BEFORE)
    _seed_old_events(engine)

    migrate.upgrade(url, revision=AFTER)
    assert "hotline_events" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, object_type, object_id, kind, party, unit_code, message, params "
                                 "FROM timeline_events ORDER BY id")).all()
    assert [(r.id, r.object_type, r.object_id, r.kind, r.party, r.unit_code) for r in rows] == [
        (event_id, "hotline.request", "r1", kind, "VN", "VN-QN-MONGCAI") for event_id, kind, _ in OLD_EVENTS]
    assert [(r.message, _params(r.params)) for r in rows] == [
        ("held for a supervisor: possible %(grounds)s grounds", {"grounds": ["political", "religious"]}),
        (None, {"text": "boss@VN-QN-MONGCAI: smuggling, not political"}),
        (None, {}),
        ("level %(level)s: %(units)s", {"level": 1, "units": "VN-QN / CN-GX"}),
    ]

    migrate.downgrade(url, revision=BEFORE)
    assert "timeline_events" not in inspect(engine).get_table_names()
    with engine.connect() as conn:
        back = conn.execute(text("SELECT id, kind, detail FROM hotline_events ORDER BY id")).all()
    assert [tuple(r) for r in back] == list(OLD_EVENTS)
