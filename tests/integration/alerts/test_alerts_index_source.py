"""The live screening index's catch-up with the change log: one read, which names only what is
new, finds a change committed late under a lower number, and notices a token whose row is gone."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from borderlink.alerts.live_index import DatabaseAlertSource
from borderlink.alerts.models import AlertIndexChange
from borderlink.alerts.screening_entries import StaleToken
from borderlink.ids import new_id
from borderlink.node import Node

AT = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def _change(session: Session, seq: int) -> str:
    alert_id = new_id()
    session.add(AlertIndexChange(seq=seq, alert_id=alert_id, nonce=new_id(), at=AT))
    session.flush()
    return alert_id


def test_the_catch_up_reads_once_and_finds_a_change_committed_late(node: Node, session: Session) -> None:
    source = DatabaseAlertSource("VN")
    statements: list[str] = []

    def sent(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(statement)

    with source.borrowing(session):
        for seq in (1, 2, 3):
            _change(session, seq)
        token = source.current_token()
        assert token.startswith("3:")
        later = [_change(session, seq) for seq in (5, 6)]
        event.listen(node.engine, "before_cursor_execute", sent)
        try:
            quiet = source.changes_since(token)
        finally:
            event.remove(node.engine, "before_cursor_execute", sent)
        # The changes name alerts that are not active, so only the change log was read.
        assert [change.alert_id for change in quiet.changes] == later
        assert quiet.token.startswith("6:")
        assert len(statements) == 2  # the new rows, then the alerts they name
        late = _change(session, 4)  # took its number before 5 and 6, committed after them
        caught = source.changes_since(quiet.token)
        assert [change.alert_id for change in caught.changes] == [late]
        assert caught.token == quiet.token
        statements.clear()
        event.listen(node.engine, "before_cursor_execute", sent)
        try:
            nothing = source.changes_since(caught.token)
        finally:
            event.remove(node.engine, "before_cursor_execute", sent)
        assert (nothing.changes, nothing.token, len(statements)) == ((), caught.token, 1)
        with pytest.raises(StaleToken):
            source.changes_since(f"{quiet.token.split(':')[0]}:{new_id()}")
        with pytest.raises(StaleToken):
            source.changes_since("9:" + new_id())
