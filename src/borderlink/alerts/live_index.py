"""The node's live screening index, fed from the database.

`DatabaseAlertSource` is the `AlertSource` the `ScreeningIndex` follows: the active alerts this
node holds (its own, and the other side's replicas unless the owner hid them), and the change log
`alert_index_changes`, which every change of an alert's screening entry appends to in the same
transaction as the change itself.

A serving node opens its index in the background when it starts: from the snapshot file in the
node directory (`screening/alerts.snap`, memory-mapped, then the changes since it are replayed),
or, without a usable snapshot, built from the database and saved. The index then follows the
change log every 0.2 s, and every check first catches up with it, so a committed change is seen by
the next check. Outside a serving node (a command, a test) the index is built on first use from
the caller's session.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, or_, select
from sqlalchemy.orm import Session, sessionmaker

from borderlink.alerts.models import Alert, AlertIndexChange, Status
from borderlink.alerts.screening_entries import (
    AlertChange,
    AlertDocument,
    AlertEntry,
    AlertPerson,
    AlertVehicle,
    ChangeBatch,
    StaleToken,
)
from borderlink.alerts.screening_index import ScreeningIndex
from borderlink.db import normalise_url
from borderlink.ids import new_id

logger = logging.getLogger(__name__)

# Rows of the change log read again on every poll: on PostgreSQL a transaction that took a lower
# sequence number may commit after one that took a higher one, and must not be missed.
REREAD_WINDOW = 200
# Every check catches the index up first (`NodeScreening.current`), so the background poll only
# keeps what a check has to apply small; polling faster cost an idle node a tenth of a core.
POLL_INTERVAL = 2.0
SNAPSHOT_NAME = "screening/alerts.snap"
SessionOpener = Callable[[], contextlib.AbstractContextManager[Session]]


def record_change(session: Session, alert_id: str, at: Any) -> None:
    """An alert's screening entry changed (or it left the active set): the index follows."""
    session.add(AlertIndexChange(alert_id=alert_id, nonce=new_id(), at=at))


def indexable_clause(local_party: str) -> Any:
    return (Alert.status == Status.ACTIVE) & Alert.purged_at.is_(None) & or_(
        Alert.owner_party == local_party, Alert.hidden.is_(False))


def entry_of(alert: Alert) -> AlertEntry:
    persons: tuple[AlertPerson, ...] = ()
    person = alert.person or {}
    names = tuple(str(n) for n in person.get("names") or ())
    if names:
        nationalities = person.get("nationalities") or []
        persons = (AlertPerson(names, person.get("birth_date"), person.get("gender"),
                               nationalities[0] if nationalities else None),)
    documents = tuple(AlertDocument(str(d["number"]), d.get("issuing_state")) for d in alert.documents or ()
                      if d.get("number"))
    vehicles = tuple(AlertVehicle(str(v["plate"])) for v in alert.vehicles or () if v.get("plate"))
    return AlertEntry(alert.id, persons, documents, vehicles)


class DatabaseAlertSource:
    """The active alerts of one node's database, and the changes to them (see the module)."""

    def __init__(self, local_party: str, open_session: SessionOpener | None = None) -> None:
        self.local_party = local_party
        self._own_session = open_session
        self._seen: set[int] = set()  # sequence numbers within the re-read window already returned
        self._lock = threading.Lock()
        self._borrowed = threading.local()

    @contextlib.contextmanager
    def borrowing(self, session: Session) -> Iterator[None]:
        """Read through the caller's session in this thread: a check inside a request must not
        open a second transaction (on SQLite it would wait for the lock the request holds)."""
        self._borrowed.session = session
        try:
            yield
        finally:
            self._borrowed.session = None

    @contextlib.contextmanager
    def _open_session(self) -> Iterator[Session]:
        borrowed: Session | None = getattr(self._borrowed, "session", None)
        if borrowed is not None:
            yield borrowed
            return
        if self._own_session is None:
            raise RuntimeError("this screening index reads only through a caller's session")
        with self._own_session() as session:
            yield session

    @staticmethod
    def _token(row: AlertIndexChange | None) -> str:
        return f"{row.seq}:{row.nonce}" if row is not None else "0:"

    def current_token(self) -> str:
        with self._lock, self._open_session() as session:
            last = session.scalar(select(AlertIndexChange).order_by(AlertIndexChange.seq.desc()).limit(1))
            if last is not None:
                self._seen = set(session.scalars(select(AlertIndexChange.seq).where(
                    AlertIndexChange.seq > last.seq - REREAD_WINDOW)))
            else:
                self._seen = set()
            return self._token(last)

    def iter_active_entries(self) -> Iterator[AlertEntry]:
        with self._open_session() as session:
            query = select(Alert).where(indexable_clause(self.local_party)).execution_options(yield_per=2000)
            for alert in session.scalars(query):
                yield entry_of(alert)

    def changes_since(self, token: str) -> ChangeBatch:
        seq_text, _, nonce = token.partition(":")
        try:
            seq = int(seq_text)
        except ValueError as exc:
            raise StaleToken(token) from exc
        with self._lock, self._open_session() as session:
            # One read of what is new: the token's own row (to check its nonce) and those after it,
            # and the numbers of the re-read window not seen yet (a transaction that took a lower
            # number and committed later). Usually it answers the token's row alone.
            unseen = [number for number in range(max(1, seq - REREAD_WINDOW + 1), seq) if number not in self._seen]
            after = AlertIndexChange.seq >= seq if seq > 0 else AlertIndexChange.seq > 0
            rows = session.execute(select(AlertIndexChange.seq, AlertIndexChange.nonce, AlertIndexChange.alert_id)
                                   .where(or_(after, AlertIndexChange.seq.in_(unseen)) if unseen else after)
                                   .order_by(AlertIndexChange.seq)).all()
            if seq > 0 and not any(row_seq == seq and row_nonce == nonce for row_seq, row_nonce, _ in rows):
                raise StaleToken(token)
            fresh = [(row_seq, alert_id) for row_seq, _, alert_id in rows if row_seq not in self._seen]
            if not fresh:
                return ChangeBatch((), token)
            last_seq, last_nonce, _ = rows[-1]
            wanted = list(dict.fromkeys(alert_id for _, alert_id in fresh))
            alerts = {a.id: a for a in session.scalars(select(Alert).where(
                Alert.id.in_(wanted), indexable_clause(self.local_party)))}
            changes = tuple(AlertChange(alert_id, entry_of(alerts[alert_id]) if alert_id in alerts else None)
                            for alert_id in wanted)
            self._seen = {number for number in (*self._seen, *(row_seq for row_seq, _ in fresh))
                          if number > last_seq - REREAD_WINDOW}
            return ChangeBatch(changes, f"{last_seq}:{last_nonce}")


class NodeScreening:
    """One node's index and how it is kept: opened once, followed, rebuilt when its place is lost."""

    def __init__(self, source: DatabaseAlertSource, snapshot_path: Path | None) -> None:
        self.source = source
        self.snapshot_path = snapshot_path
        self._index: ScreeningIndex | None = None
        self._opening = threading.Lock()
        self._following = False
        self.ready = threading.Event()

    def open(self) -> ScreeningIndex:
        """The index, opened (or built) on first use; later callers wait for the first."""
        with self._opening:
            if self._index is None:
                if self.snapshot_path is not None:
                    self.snapshot_path.parent.mkdir(parents=True, exist_ok=True)
                    self._index = ScreeningIndex.open(self.source, self.snapshot_path)
                else:
                    self._index = ScreeningIndex.build(self.source)
                self.ready.set()
            return self._index

    def follow(self) -> None:
        """Poll the change log in the background (a serving node's background work does this)."""
        self._following = True
        self.open().start_following(POLL_INTERVAL)

    def current(self) -> ScreeningIndex:
        """The index, caught up with every committed change."""
        index = self.open()
        try:
            index.refresh()
        except StaleToken:
            logger.warning("the screening index lost its place in the change log: rebuilding")
            with self._opening:
                index.close()
                self._index = ScreeningIndex.build(self.source, self.snapshot_path)
                if self._following:
                    self._index.start_following(POLL_INTERVAL)
                index = self._index
        return index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()


_BY_BIND: weakref.WeakKeyDictionary[Any, NodeScreening] = weakref.WeakKeyDictionary()
_REGISTRY_LOCK = threading.Lock()


def _reader_factory(database_url: str, session_factory: Callable[[], Session]) -> Callable[[], Session]:
    """Sessions for the index's own reads. On SQLite a connection of its own that only reads and
    takes no write lock (the node's transactions begin IMMEDIATE): in WAL mode it never waits for
    a writer, and a writer never waits for it."""
    url = normalise_url(database_url)
    if not url.startswith("sqlite"):
        return session_factory
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    return sessionmaker(bind=engine, expire_on_commit=False)


def register_serving(bind: Any, local_party: str, database_url: str, session_factory: Callable[[], Session],
                     node_dir: Path) -> NodeScreening:
    """The index of a serving node: it follows the change log on its own sessions, and keeps a
    snapshot in the node directory."""
    readers = _reader_factory(database_url, session_factory)

    @contextlib.contextmanager
    def open_session() -> Iterator[Session]:
        session = readers()
        try:
            yield session
        finally:
            session.rollback()
            session.close()

    screening = NodeScreening(DatabaseAlertSource(local_party, open_session), node_dir / SNAPSHOT_NAME)
    with _REGISTRY_LOCK:
        _BY_BIND[bind] = screening
    return screening


def registered(bind: Any) -> NodeScreening | None:
    """The index a serving node registered for this database, if any."""
    with _REGISTRY_LOCK:
        return _BY_BIND.get(bind)


@contextlib.contextmanager
def index_for(session: Session, local_party: str) -> Iterator[ScreeningIndex]:
    """The node's index, caught up with the change log as this session sees it, for one check."""
    bind = session.get_bind()
    with _REGISTRY_LOCK:
        screening = _BY_BIND.get(bind)
        if screening is None:  # not a serving node: built on first use, read through callers' sessions
            screening = NodeScreening(DatabaseAlertSource(local_party), None)
            _BY_BIND[bind] = screening
    with screening.source.borrowing(session):
        yield screening.current()
