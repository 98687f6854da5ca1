"""The gates benchmark's node: a VN demo node on a PostgreSQL database of its own holding N alert
persons, kept between runs.

The node directory lives in a cache folder and its database beside the server's base database;
both carry the same seed marker (a random id written to `bench-seed.json` in the folder and to the
table `bench_gates_seed` in the database, with the alert count and the migration head). A run
whose folder and database agree on the marker and the count reuses them, screening snapshot
included (a database seeded under older migrations is upgraded first); otherwise both are made
again. The alerts go in with one COPY.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.matching.scale import synthetic_watchlist_and_listed
from borderlink.matching import PersonRecord

MARKER_FILE = "bench-seed.json"
QUERIES_FILE = "travellers.json"
# How the travellers file is made: 2 = listed spellings first, every birth date in full. A kept
# seed with travellers of another version gets new travellers (the alerts stay).
TRAVELLERS_VERSION = 2
MARKER_TABLE = "bench_gates_seed"
NODE_FOLDER = "vn"
# VN units that own the seeded alerts: hits on them go to their owning unit's work feed.
OWNER_UNITS = ("VN-QN", "VN-LC", "VN-LS", "VN-CB", "VN-MPS")
KINDS = (("wanted", "arrest", "06012"), ("missing", "protect", "02041"),
         ("person_of_interest", "discreet_check", "07011"))


def progress(message: str) -> None:
    print(f"[gates] {message}", file=sys.stderr, flush=True)


@dataclasses.dataclass(frozen=True)
class SeededNode:
    node_dir: Path
    database_url: str
    persons: int
    reused: bool
    seed_seconds: float  # 0 when reused
    queries: list[PersonRecord]  # spellings of listed persons first, then persons not listed
    listed_queries: int


def cache_root(persons: int, base_url: str) -> Path:
    name = make_url(base_url).database or "borderlink"
    return Path(tempfile.gettempdir()) / f"borderlink-bench-gates-{name}-{persons}"


def database_name(base_url: str, persons: int) -> str:
    base = make_url(base_url).database or "borderlink"
    return f"{base}_bench_gates_{persons}"[-63:]


def _migration_head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "borderlink:migrations")
    return ",".join(sorted(ScriptDirectory.from_config(config).get_heads()))


def _marker_in_database(url: str) -> dict[str, object] | None:
    from borderlink.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            row = connection.execute(text(f"SELECT marker, persons, head FROM {MARKER_TABLE}")).first()
    except Exception:  # no database, or no marker table: not a seeded database
        return None
    finally:
        engine.dispose()
    return {"marker": row[0], "persons": row[1], "head": row[2]} if row else None


def _admin(base_url: str, statement: str) -> None:
    from borderlink.db import make_engine

    admin = make_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(statement))
    finally:
        admin.dispose()


def _alert_rows(records: Sequence[PersonRecord], unit_ids: Sequence[str],
                now: dt.datetime) -> Iterator[tuple[object, ...]]:
    expires = now + dt.timedelta(days=5 * 365)
    for number, record in enumerate(records):
        kind, action, offence = KINDS[number % len(KINDS)]
        person = {"names": [record.name, *record.alt_names], "birth_date": record.birth_date,
                  "gender": record.gender, "nationalities": [record.nationality] if record.nationality else []}
        documents = [{"type": "passport", "number": f"E{number:08d}", "issuing_state":
                      "CHN" if number % 2 else "VNM"}] if number % 10 == 0 else []
        vehicles = [{"plate": f"29A-{number % 1000:03d}.{number // 1000 % 100:02d}"}] if number % 20 == 0 else []
        yield (str(uuid.uuid4()), "VN", "H0", now, now, 1, unit_ids[number % len(unit_ids)], kind, "active", False,
               action, offence, json.dumps(person, ensure_ascii=False), json.dumps(documents), json.dumps(vehicles),
               "[]", "all", expires, now, False, "[]", "[]", "Bench seed")


_ALERT_COLUMNS = ("id", "owner_party", "handling_code", "created_at", "updated_at", "version", "owner_unit_id",
                  "kind", "status", "hidden", "action", "offence_code", "person", "documents", "vehicles",
                  "warning_flags", "distribution", "expires_at", "activated_at", "expiry_noticed",
                  "linked_alert_ids", "screening_flags", "author_name")


def _copy_alerts(url: str, records: Sequence[PersonRecord]) -> None:
    import psycopg

    plain = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    now = dt.datetime.now(dt.UTC)
    with psycopg.connect(plain) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT id FROM units WHERE code = ANY(%s) ORDER BY code", (list(OWNER_UNITS),))
        unit_ids = [row[0] for row in cursor.fetchall()]
        columns = ", ".join(_ALERT_COLUMNS)
        with cursor.copy(f"COPY alerts ({columns}) FROM STDIN") as copy:
            for done, row in enumerate(_alert_rows(records, unit_ids, now), 1):
                copy.write_row(row)
                if done % 200_000 == 0:
                    progress(f"copied {done:,} alerts")
        cursor.execute("ANALYZE alerts")


def _make(root: Path, base_url: str, url: str, persons: int, records: Sequence[PersonRecord]) -> None:
    from tests.e2e.nodes import _cheap_password_hashing, free_port

    from borderlink.demo import DemoNode, prepare_node_dir

    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    name = make_url(url).database
    _admin(base_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(base_url, f'CREATE DATABASE "{name}"')
    progress(f"migrating {name} and loading the directory")
    with _cheap_password_hashing():
        prepare_node_dir(root, DemoNode("VN", NODE_FOLDER, free_port(), free_port(), url))
    progress(f"copying {persons:,} alerts")
    _copy_alerts(url, records)
    marker = str(uuid.uuid4())
    head = _migration_head()
    from borderlink.db import make_engine

    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"CREATE TABLE {MARKER_TABLE} (marker text, persons integer, head text)"))
            connection.execute(text(f"INSERT INTO {MARKER_TABLE} VALUES (:m, :p, :h)"),
                               {"m": marker, "p": persons, "h": head})
    finally:
        engine.dispose()
    (root / MARKER_FILE).write_text(json.dumps({"marker": marker, "persons": persons, "head": head}))


def _upgrade(url: str, head: str) -> None:
    from borderlink import migrate
    from borderlink.db import make_engine

    progress(f"upgrading the seeded database to the migrations' head {head}")
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f"UPDATE {MARKER_TABLE} SET head = :h"), {"h": head})
    finally:
        engine.dispose()


def seed_travellers(persons: int, query_count: int) -> tuple[list[PersonRecord], list[PersonRecord], int]:
    """The watchlist and the travellers, spellings of listed persons first: the generator shuffles
    them, so without reordering half of the "others" would be listed persons too. Travellers show a
    passport, which always gives the full birth date."""
    records, queries, listed = synthetic_watchlist_and_listed(persons, query_count, query_precision="day")
    ordered = [q for q, is_listed in zip(queries, listed, strict=True) if is_listed] + \
        [q for q, is_listed in zip(queries, listed, strict=True) if not is_listed]
    return records, ordered, sum(listed)


def _save_travellers(root: Path, queries: Sequence[PersonRecord], listed: int) -> None:
    (root / QUERIES_FILE).write_text(json.dumps(
        {"version": TRAVELLERS_VERSION, "listed": listed, "queries": [dataclasses.asdict(q) for q in queries]},
        ensure_ascii=False))


def seeded_node(base_url: str, persons: int, query_count: int, root: Path | None = None) -> SeededNode:
    """The node directory and database with `persons` alerts, reused when both carry the marker."""
    from borderlink.db import normalise_url

    root = root or cache_root(persons, base_url)
    url = make_url(normalise_url(base_url)).set(database=database_name(base_url, persons)).render_as_string(
        hide_password=False)
    held = _marker_in_database(url)
    try:
        in_folder = json.loads((root / MARKER_FILE).read_text())
    except (OSError, ValueError):
        in_folder = None
    reused = bool(held and in_folder and held["marker"] == in_folder["marker"] and held["persons"] == persons
                  and (root / NODE_FOLDER).is_dir())
    if reused:
        progress(f"reusing the seeded database {make_url(url).database} and node directory {root}")
        head = _migration_head()
        if held and held["head"] != head:  # the schema moved on since the seeding: the alerts stay
            _upgrade(url, head)
        try:
            saved = json.loads((root / QUERIES_FILE).read_text())
        except (OSError, ValueError):
            saved = None
        if not saved or saved.get("version") != TRAVELLERS_VERSION or len(saved["queries"]) < query_count:
            progress("making the travellers again (the alerts are drawn the same and stay)")
            _, queries, listed = seed_travellers(persons, query_count)
            _save_travellers(root, queries, listed)
        else:
            queries = [PersonRecord(**{**item, "alt_names": tuple(item["alt_names"])}) for item in saved["queries"]]
            listed = saved["listed"]
        return SeededNode(root / NODE_FOLDER, url, persons, True, 0.0, queries[:query_count], listed)
    started = time.perf_counter()
    progress(f"generating {persons:,} alert persons and {query_count:,} travellers")
    records, queries, listed = seed_travellers(persons, query_count)
    _make(root, base_url, url, persons, records)
    _save_travellers(root, queries, listed)
    return SeededNode(root / NODE_FOLDER, url, persons, False, time.perf_counter() - started, list(queries), listed)


def drop_database(base_url: str, persons: int) -> None:
    """Drop the seeded database of `persons` alerts (its node directory is the caller's to remove)."""
    _admin(base_url, f'DROP DATABASE IF EXISTS "{database_name(base_url, persons)}" WITH (FORCE)')


def settle_earlier_runs(url: str) -> tuple[int, int]:
    """Take out what earlier runs recorded (their crossings, hits, the hits' timelines and work-feed
    entries), so that every run starts from the seeded state and the node's escalation of their
    still-pending hits does not weigh on the figures; the audit trail stays (it is append-only).
    The tables are vacuumed and a checkpoint written before the node starts, so none of this is
    written out during the measurement. Returns (crossings, hits) taken out."""
    from borderlink.db import make_engine
    from borderlink.gates.models import HIT_TYPE, Crossing, Hit

    crossings, hits = Crossing.__tablename__, Hit.__tablename__
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            found = connection.execute(text(f"SELECT (SELECT count(*) FROM {crossings}), "
                                            f"(SELECT count(*) FROM {hits})")).one()
            if found[0] or found[1]:
                for table in ("work_feed", "timeline_events"):
                    connection.execute(text(f"DELETE FROM {table} WHERE object_type = :type"), {"type": HIT_TYPE})
                connection.execute(text(f"DELETE FROM {hits}"))
                connection.execute(text(f"DELETE FROM {crossings}"))
    finally:
        engine.dispose()
    if found[0] or found[1]:
        _admin(url, f"VACUUM ANALYZE work_feed, timeline_events, {hits}, {crossings}")
        _admin(url, "CHECKPOINT")
    return int(found[0]), int(found[1])
