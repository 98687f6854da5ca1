"""The audit chain: every write is recorded, and any edit, deletion or insertion is found."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session
from tests.conftest import postgres_url
from tests.integration.conftest import Persona

from borderlink import migrate
from borderlink.audit.models import AuditEntry, AuditHead
from borderlink.audit.service import ChainProblem, derive_audit_key, pending_entries, record_read, verify
from borderlink.config import write_node_config
from borderlink.db import make_engine
from borderlink.directory.models import Unit, User
from borderlink.node import Node, open_node
from borderlink.shared import commit_chains, workfeed
from borderlink.shared.timeline import EventKind, Timeline, TimelineEvent
from borderlink.shared.workfeed import FeedEntry, NewEntry, ObjectRef, Reason
from borderlink.web.deps import login_csrf_cookie

LOGIN_CSRF_COOKIE = login_csrf_cookie("VN")

Login = Callable[..., TestClient]


def check(node: Node) -> tuple[int, list[ChainProblem]]:
    with node.transaction() as session:
        return verify(session, derive_audit_key(node.settings.secret_key))


def last_seq(node: Node) -> int:
    with node.transaction() as session:
        value = session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
        assert value is not None
        return value


def raw(node: Node, sql: str, **params: object) -> None:
    """Tamper as someone with plain database access would: SQL, bypassing the application."""
    with node.transaction() as session:
        session.connection().execute(text(sql), params)


@pytest.fixture
def chain(node: Node, personas: dict[str, Persona]) -> Node:
    """A node whose chain holds the reference data and the personas' accounts."""
    assert last_seq(node) > 20
    return node


def test_untouched_chain_is_intact(chain: Node) -> None:
    count, problems = check(chain)
    assert problems == []
    assert count == last_seq(chain)


def test_edited_field_is_found_by_entry_number(chain: Node) -> None:
    raw(chain, "UPDATE audit_entries SET actor_label = 'someone else' WHERE seq = 7")
    _, problems = check(chain)
    assert [(p.seq, p.kind) for p in problems] == [(7, "edited")]
    assert "entry 7" in problems[0].message


def test_edited_digest_is_found(chain: Node) -> None:
    raw(chain, "UPDATE audit_entries SET after_digest = :d WHERE seq = 12", d="0" * 64)
    _, problems = check(chain)
    assert [p.seq for p in problems] == [12]


def test_deleted_middle_entry_is_found_by_number(chain: Node) -> None:
    raw(chain, "DELETE FROM audit_entries WHERE seq = 5")
    _, problems = check(chain)
    assert problems[0].seq == 5
    assert problems[0].kind == "deleted"
    assert "entry 5 deleted" in problems[0].message
    assert all(p.seq in (5, 6) for p in problems)


def test_deleted_range_is_reported_as_a_range(chain: Node) -> None:
    raw(chain, "DELETE FROM audit_entries WHERE seq BETWEEN 4 AND 9")
    _, problems = check(chain)
    assert problems[0].seq == 4
    assert "entries 4-9 deleted" in problems[0].message


def test_deleted_tail_is_found(chain: Node) -> None:
    end = last_seq(chain)
    raw(chain, "DELETE FROM audit_entries WHERE seq > :keep", keep=end - 2)
    _, problems = check(chain)
    assert [(p.seq, p.kind) for p in problems] == [(end - 1, "deleted")]
    assert f"entries {end - 1}-{end} deleted" in problems[0].message


def _forged_row(node: Node, seq: int, prev_hash: str) -> dict[str, object]:
    return {
        "seq": seq,
        "at": node.clock.now(),
        "actor_user_id": None,
        "actor_unit_id": None,
        "actor_label": "system",
        "action": "delete",
        "object_type": "users",
        "object_id": str(uuid.uuid4()),
        "before_digest": "1" * 64,
        "after_digest": None,
        "detail": None,
        "prev_hash": prev_hash,
        "entry_hash": "2" * 64,
    }


def test_forged_row_appended_is_found(chain: Node) -> None:
    end = last_seq(chain)
    with chain.transaction() as session:
        tip = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == end))
        session.connection().execute(insert(AuditEntry), [_forged_row(chain, end + 1, str(tip))])
    _, problems = check(chain)
    assert {p.seq for p in problems} == {end + 1}
    assert any(f"entry {end + 1}" in p.message for p in problems)
    assert any("outside the chain" in p.message for p in problems)


def test_forged_row_in_a_gap_is_found(chain: Node) -> None:
    raw(chain, "DELETE FROM audit_entries WHERE seq = 10")
    with chain.transaction() as session:
        prev = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == 9))
        session.connection().execute(insert(AuditEntry), [_forged_row(chain, 10, str(prev))])
    _, problems = check(chain)
    assert problems
    assert problems[0].seq == 10
    assert "entry 10" in problems[0].message


def test_edited_head_is_found_and_named(chain: Node) -> None:
    end = last_seq(chain)
    raw(chain, "UPDATE audit_head SET last_hash = :h WHERE id = 1", h="f" * 64)
    _, problems = check(chain)
    assert [(p.seq, p.kind) for p in problems] == [(end, "edited")]
    assert f"entry {end}" in problems[0].message


def test_head_moved_back_is_found(chain: Node) -> None:
    end = last_seq(chain)
    raw(chain, "UPDATE audit_head SET last_seq = :s WHERE id = 1", s=end - 3)
    _, problems = check(chain)
    assert problems[0].seq == end - 2
    assert f"after {end - 3}" in problems[0].message


def test_missing_head_is_found(chain: Node) -> None:
    raw(chain, "DELETE FROM audit_head")
    _, problems = check(chain)
    assert [p.kind for p in problems] == ["deleted"]


def test_wrong_key_fails_every_entry(chain: Node) -> None:
    with chain.transaction() as session:
        count, problems = verify(session, derive_audit_key(b"another node's secret key......."))
    assert len(problems) >= count


def _entries(session: Session, object_type: str, object_id: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.object_type == object_type, AuditEntry.object_id == object_id)
    return list(session.scalars(query.order_by(AuditEntry.seq)))


def test_creating_a_user_through_the_api_is_audited_with_its_actor(
    node: Node, personas: dict[str, Persona], bearer: Callable[[str], dict[str, str]], app_client: TestClient
) -> None:
    body = {
        "username": "audited.user",
        "password": "a-long-password-1",
        "unit_code": "VN-QN-MONGCAI",
        "role": "officer",
    }
    created = app_client.post("/api/v1/users", json=body, headers=bearer("qn.admin"))
    assert created.status_code == 201
    with node.transaction() as session:
        (entry,) = _entries(session, "users", created.json()["id"])
    assert entry.action == "create"
    assert entry.actor_label == "qn.admin@VN-QN"
    assert entry.actor_user_id == personas["provincial_admin"].user_id
    assert entry.after_digest is not None
    assert entry.at == node.clock.now()
    assert check(node)[1] == []


def test_failed_login_is_audited_as_an_update(node: Node, personas: dict[str, Persona], app_client: TestClient) -> None:
    form = app_client.get("/login")
    token = form.cookies.get(LOGIN_CSRF_COOKIE) or app_client.cookies.get(LOGIN_CSRF_COOKIE)
    response = app_client.post(
        "/login",
        data={"username": "mongcai.officer", "password": "wrong-password!", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 401
    with node.transaction() as session:
        user = session.get(User, personas["post_officer"].user_id)
        assert user is not None
        assert user.failed_logins == 1
        entries = _entries(session, "users", user.id)
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[-1].detail == "failed_logins"
    assert entries[-1].before_digest != entries[-1].after_digest


def test_deleting_a_row_is_audited(node: Node, personas: dict[str, Persona]) -> None:
    with node.transaction() as session:
        unit = Unit(code="VN-TEST-TEMP", party_code="VN", tier="post", name_vi="t", name_zh="t", name_en="t")
        session.add(unit)
        session.flush()
        unit_id = unit.id
    with node.transaction() as session:
        session.delete(session.get(Unit, unit_id))
    with node.transaction() as session:
        assert [e.action for e in _entries(session, "units", unit_id)] == ["create", "delete"]


def test_reads_of_person_records_can_be_audited(node: Node) -> None:
    with node.transaction() as session:
        record_read(session, "persons", "p-1", detail="screening hit")
    with node.transaction() as session:
        (entry,) = _entries(session, "persons", "p-1")
    assert entry.action == "read"
    assert check(node)[1] == []


def test_a_rolled_back_write_leaves_no_entry(node: Node) -> None:
    before = last_seq(node)

    def rename_then_fail() -> None:
        with node.transaction() as session:
            unit = session.scalar(select(Unit).where(Unit.code == "VN-QN"))
            assert unit is not None
            unit.name_en = "Renamed"
            session.flush()
            assert pending_entries(session) == 1  # chained on at commit, which never comes
            raise RuntimeError("abort")

    with pytest.raises(RuntimeError):
        rename_then_fail()
    assert last_seq(node) == before
    assert check(node)[1] == []


def test_a_rolled_back_savepoint_drops_its_entries_only(node: Node) -> None:
    before = last_seq(node)
    with node.transaction() as session:
        kept = session.scalar(select(Unit).where(Unit.code == "VN-QN"))
        dropped = session.scalar(select(Unit).where(Unit.code == "VN-LS"))
        assert kept is not None
        assert dropped is not None
        kept.name_en = "Kept"
        session.flush()
        savepoint = session.begin_nested()
        dropped.name_en = "Dropped"
        session.flush()
        savepoint.rollback()
    with node.transaction() as session:
        entries = list(session.scalars(select(AuditEntry).where(AuditEntry.seq > before)))
    assert [(e.object_id, e.detail) for e in entries] == [(kept.id, "name_en")]
    assert check(node)[1] == []


# Two writers on a real database file (and on PostgreSQL when configured), committing for real.


def _fresh_database(backend: str, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'race.db'}"
        return
    base = postgres_url()
    if base is None:
        pytest.skip("PostgreSQL tests are off (set BORDERLINK_TEST_DATABASE_URL)")
    name = f"bl_audit_race_{uuid.uuid4().hex[:8]}"
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def committed_node(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Node]:
    from borderlink.directory import service as directory

    for url in _fresh_database(request.param, tmp_path):
        settings = write_node_config(tmp_path / "vn", "VN", {"database_url": url})
        migrate.upgrade(url)
        node = open_node(settings)
        with node.transaction() as session:
            directory.load_reference_data(session, "VN")
        try:
            yield node
        finally:
            node.engine.dispose()


def test_two_concurrent_writers_never_fork_the_chain(committed_node: Node) -> None:
    node = committed_node
    start = last_seq(node)
    rounds = 25
    codes = ["VN-QN-MONGCAI", "VN-LC-LAOCAI"]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(codes))

    def writer(code: str) -> None:
        try:
            barrier.wait()
            for round_number in range(rounds):
                with node.transaction() as session:
                    unit = session.scalar(select(Unit).where(Unit.code == code))
                    assert unit is not None
                    unit.location = f"{code} round {round_number}"
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    count, problems = check(node)
    assert problems == []
    assert count == start + rounds * len(codes)
    with node.transaction() as session:
        head = session.get(AuditHead, 1)
        assert head is not None
        assert head.last_seq == count
        seqs = list(session.scalars(select(AuditEntry.seq).order_by(AuditEntry.seq)))
    assert seqs == list(range(1, count + 1))
    assert dt.datetime.now(dt.UTC) > node.clock.now() - dt.timedelta(minutes=1)


def _rename(node: Node, code: str, name: str) -> None:
    with node.transaction() as session:
        unit = session.scalar(select(Unit).where(Unit.code == code))
        assert unit is not None
        unit.name_en = name


def test_a_tip_whose_commit_failed_is_not_chained_on(committed_node: Node) -> None:
    """The chains are appended just before the commit; one that then rolls back leaves this
    process knowing a tip the database never kept: the next commit must find the real one."""
    node = committed_node
    start = last_seq(node)
    _rename(node, "VN-QN", "first")

    def append_then_fail() -> None:
        with node.transaction() as session:
            unit = session.scalar(select(Unit).where(Unit.code == "VN-QN"))
            assert unit is not None
            unit.name_en = "never"
            commit_chains.write_now(session)  # what the commit does first
            raise RuntimeError("the commit fails after the chain was appended")

    with pytest.raises(RuntimeError):
        append_then_fail()
    _rename(node, "VN-QN", "second")
    count, problems = check(node)
    assert problems == []
    assert count == last_seq(node) == start + 2


def test_another_process_appending_meanwhile_keeps_one_chain(committed_node: Node) -> None:
    """Each process chains on the tip it last wrote when it can; a second process on the same
    database moves the head under it, and the first must chain on that head, not fork."""
    node = committed_node
    _rename(node, "VN-QN", "by the first process")
    start = last_seq(node)
    for round_number in range(3):
        script = ("import sys\nfrom pathlib import Path\n"
                  "from borderlink.config import load_settings\nfrom borderlink.node import open_node\n"
                  "from borderlink.directory.models import Unit\nfrom sqlalchemy import select\n"
                  "node = open_node(load_settings(Path(sys.argv[1])))\n"
                  "with node.transaction() as session:\n"
                  "    session.scalar(select(Unit).where(Unit.code == 'VN-LS')).name_en = sys.argv[2]\n"
                  "node.engine.dispose()\n")
        subprocess.run([sys.executable, "-c", script, str(node.settings.node_dir), f"other {round_number}"],
                       check=True, timeout=120)
        _rename(node, "VN-QN", f"first again {round_number}")
    count, problems = check(node)
    assert problems == []
    assert count == last_seq(node) == start + 6


def test_feed_entries_written_in_bulk_are_audited_as_a_flush_audits_them(node: Node) -> None:
    at = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
    deadline = at + dt.timedelta(hours=1)
    ref = ObjectRef("test.item", "bulk-1")
    with node.transaction() as session:
        unit_id = session.scalars(select(Unit.id).where(Unit.code == "VN-QN")).one()
        workfeed.put_new(session, [NewEntry(ref, unit_id, Reason.SENT, deadline, urgent=True, unread=False)], at)
    with node.transaction() as session:
        written = session.scalars(select(FeedEntry).where(FeedEntry.object_id == ref.object_id)).one()
        entry_id = written.id
        session.delete(written)
    with node.transaction() as session:  # the same row again, written by a flush this time
        session.add(FeedEntry(id=entry_id, unit_id=unit_id, object_type=ref.object_type, object_id=ref.object_id,
                              reason="sent", urgent=True, deadline_at=deadline, created_at=at, updated_at=at,
                              read_at=at))
    with node.transaction() as session:
        entries = _entries(session, "work_feed", str(entry_id))
    assert [e.action for e in entries] == ["create", "delete", "create"]
    assert entries[0].after_digest == entries[2].after_digest == entries[1].before_digest
    assert check(node)[1] == []


def test_timeline_steps_written_in_bulk_are_audited_as_a_flush_audits_them(node: Node) -> None:
    at = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
    steps = Timeline("test.item", kinds=[EventKind("noted", "noted at %(gate)s")])
    step = steps.new_step("bulk-2", "noted", at, "VN", "VN-QN", steps.detail("noted", gate="VN-QN"))
    with node.transaction() as session:
        steps.record_new(session, [step])
    with node.transaction() as session:
        session.delete(session.get(TimelineEvent, step.id))
    with node.transaction() as session:  # the same step again, written by a flush this time
        assert steps.record(session, "bulk-2", "noted", at, "VN", "VN-QN", steps.detail("noted", gate="VN-QN"),
                            event_id=step.id) is not None
    with node.transaction() as session:
        entries = _entries(session, "timeline_events", step.id)
    assert [e.action for e in entries] == ["create", "delete", "create"]
    assert entries[0].after_digest == entries[2].after_digest == entries[1].before_digest
    assert check(node)[1] == []
