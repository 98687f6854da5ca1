"""An object made in the running transaction is answered from what that transaction added to it:
the same timeline, feed entries and files as the database would give, without reading them back;
a savepoint rolled back takes its rows with it; another transaction reads the database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import event
from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.ids import new_id
from borderlink.node import Node
from borderlink.shared import attachments, new_objects, workfeed
from borderlink.shared.timeline import EventKind, Timeline
from borderlink.shared.workfeed import ObjectRef, Reason

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
THINGS = Timeline("tests.fresh", kinds=[EventKind("sent"), EventKind("delivered"), EventKind("noted")])


def _counting(node: Node) -> list[str]:
    statements: list[str] = []
    event.listen(node.engine, "before_cursor_execute",
                 lambda _c, _cur, statement, *_rest: statements.append(statement))
    return statements


def test_a_new_objects_timeline_entries_and_files_come_from_its_transaction(node: Node, personas: object) -> None:
    ref = ObjectRef("tests.fresh", new_id())
    with node.transaction() as session:
        unit = directory.get_unit_by_code(session, "VN-QN-MONGCAI")
        new_objects.created(session, ref.object_type, ref.object_id)
        THINGS.record(session, ref.object_id, "delivered", T0 + dt.timedelta(minutes=1), "VN", None)
        THINGS.record(session, ref.object_id, "sent", T0, "VN", None)
        workfeed.put(session, ref, unit.id, Reason.SENT, T0)
        attachments.add(session, ref, "a.txt", "text/plain", b"first", T0)
        session.flush()
        statements = _counting(node)
        assert [e.kind for e in THINGS.events(session, ref.object_id)] == ["sent", "delivered"]
        assert [e.unit_id for e in workfeed.entries_of(session, ref)] == [unit.id]
        assert workfeed.entry_of(session, ref, unit.id) is not None
        assert [f.filename for f in attachments.files_of(session, ref)] == ["a.txt"]
        assert statements == []  # all of it answered from the transaction
        with session.begin_nested() as savepoint:
            THINGS.record(session, ref.object_id, "noted", T0 + dt.timedelta(minutes=2), "VN", None)
            attachments.add(session, ref, "b.txt", "text/plain", b"second", T0)
            session.flush()
            savepoint.rollback()
        assert [e.kind for e in THINGS.events(session, ref.object_id)] == ["sent", "delivered"]
        assert [f.filename for f in attachments.files_of(session, ref)] == ["a.txt"]
    with node.transaction() as session:  # read back from the database, as any other object
        statements = _counting(node)
        assert new_objects.kept(session, ref.object_type, ref.object_id, "timeline") is None
        assert [e.kind for e in THINGS.events(session, ref.object_id)] == ["sent", "delivered"]
        assert [f.filename for f in attachments.files_of(session, ref)] == ["a.txt"]
        assert len(workfeed.entries_of(session, ref)) == 1
        assert statements


def test_an_object_not_made_here_is_read_from_the_database(session: Session) -> None:
    object_id = new_id()
    THINGS.record(session, object_id, "sent", T0, "VN", None)
    session.flush()
    assert new_objects.kept(session, "tests.fresh", object_id, "timeline") is None
    assert [e.kind for e in THINGS.events(session, object_id)] == ["sent"]


def test_a_step_with_its_own_id_on_a_new_object_is_recorded_once_without_a_read(node: Node, personas: object) -> None:
    ref = ObjectRef("tests.fresh", new_id())
    step_id = new_id()
    with node.transaction() as session:
        session.connection()  # begun, as a request's transaction is by the time it makes an object
        new_objects.created(session, ref.object_type, ref.object_id)
        statements = _counting(node)
        assert THINGS.record(session, ref.object_id, "sent", T0, "VN", None, event_id=step_id) is not None
        assert THINGS.record(session, ref.object_id, "sent", T0, "VN", None, event_id=step_id) is None
        assert statements == []  # nothing outside this transaction can hold a step of it
    with node.transaction() as session:  # an object made earlier: the database is asked
        assert THINGS.record(session, ref.object_id, "sent", T0, "VN", None, event_id=step_id) is None
        assert [e.id for e in THINGS.events(session, ref.object_id)] == [step_id]
