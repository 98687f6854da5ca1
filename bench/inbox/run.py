"""Inbox benchmark: how long the hotline inbox API and page take with 1k, 20k and 200k requests
in the database (PostgreSQL), against the goal p95 <= 300 ms.

One VN node is opened in-process on the database and served through the application itself (no
sockets: the figures are the application's and the database's, not the network's). Requests are
bulk-inserted straight into the tables, growing the database from one size to the next; 70% of
them are in Móng Cái's inbox (half sent by it, half received from Dongxing, some escalated to
Quảng Ninh), the rest in the inboxes of the other VN posts, so scoping has rows to leave out;
one in 20 is unread.
At each size every view is read `SAMPLES` times after a warm-up, as mongcai.officer and, for the
inbox that includes the units below, as qn.commander.

The database's public schema is dropped and migrated afresh at the start.

Environment overrides:
  BORDERLINK_BENCH_DATABASE_URL   PostgreSQL database to use (default postgresql://postgres@127.0.0.1:5432/test)
  BORDERLINK_BENCH_INBOX_SIZES    comma-separated request counts (default 1000,20000,200000)
  BORDERLINK_BENCH_INBOX_SAMPLES  timed reads per view and size (default 30)
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import math
import os
import re
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
if str(PROJECT_ROOT) not in sys.path:  # `python bench/inbox/run.py`
    sys.path.insert(0, str(PROJECT_ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from borderlink import domains, migrate  # noqa: E402
from borderlink.app import create_app  # noqa: E402
from borderlink.config import load_settings, write_node_config  # noqa: E402
from borderlink.db import make_engine  # noqa: E402
from borderlink.directory import accounts  # noqa: E402
from borderlink.directory import service as directory  # noqa: E402
from borderlink.directory.models import Unit  # noqa: E402
from borderlink.hotline.models import OBJECT_TYPE, HotlineRequest, Priority, Status  # noqa: E402
from borderlink.node import Node, open_node  # noqa: E402
from borderlink.shared.paging import fold_for_search  # noqa: E402
from borderlink.shared.workfeed import FeedEntry  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_SIZES = (1_000, 20_000, 200_000)
GOAL_P95_MS = 300.0
WARM_UP = 3
BATCH = 20_000
UNREAD_EVERY = 20  # one request in 20 is unread: far more than an inbox that is looked after
PASSWORD = "bench-password-1"
START = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PRIORITIES = [Priority.NORMAL, Priority.HIGH, Priority.NORMAL, Priority.URGENT, Priority.LOW]
STATUSES = [Status.DELIVERED, Status.ACKNOWLEDGED, Status.ANSWERED, Status.CLOSED, Status.SENT]
OFFENCES = ["06013", "0204", "07023", "08051", "0701"]
SUBJECTS = ["Heroin courier crossing at Móng Cái", "Verify passport E{n}", "Stolen motorbike plate 14B1-{n}",
            "Missing girl last seen near the market", "Telecom fraud call centre, account {n}"]


def progress(message: str) -> None:
    print(f"[inbox] {message}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


@dataclasses.dataclass(frozen=True)
class Layout:
    """Where the seeded requests go: (post unit id, its counterpart across the border, the post's parent)."""

    main: tuple[str, str, str | None]
    others: list[tuple[str, str, str | None]]


def layout(session: Session) -> Layout:
    def place(unit: Unit) -> tuple[str, str, str | None] | None:
        facing = directory.counterparts_of(session, unit.id)
        return (unit.id, facing[0].id, unit.parent_id) if facing else None

    main = place(directory.get_unit_by_code(session, "VN-QN-MONGCAI"))
    assert main is not None
    posts = session.scalars(select(Unit).where(Unit.party_code == "VN", Unit.code != "VN-QN-MONGCAI",
                                               Unit.parent_id.is_not(None)).order_by(Unit.code))
    others = [p for p in (place(u) for u in posts) if p is not None and p[2] is not None]
    return Layout(main, others)


def seed_rows(start: int, count: int, where: Layout) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """`count` requests numbered from `start`, and their feed entries, as plain row dicts."""
    requests: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    for n in range(start, start + count):
        post, facing, parent = where.main if n % 10 < 7 or not where.others else where.others[n % len(where.others)]
        outgoing = n % 2 == 0
        created = START + dt.timedelta(seconds=60 * n)
        updated = created + dt.timedelta(seconds=30 * (n % 7))
        # Priority and status vary independently, so every combination of the two filters occurs.
        priority, status = PRIORITIES[n % len(PRIORITIES)], STATUSES[(n // len(PRIORITIES)) % len(STATUSES)]
        subject = SUBJECTS[n % len(SUBJECTS)].format(n=n)
        body = f"Request number {n}: please check and answer. 请核查。"
        request_id = str(uuid.UUID(int=(0x0190 << 112) | n))
        requests.append({
            "id": request_id, "owner_party": "VN" if outgoing else "CN", "kind": "information",
            "assistance_type": None, "subject": subject, "body": body, "priority": priority,
            "offence_code": OFFENCES[n % len(OFFENCES)], "handling_code": "H0", "handling_note": None,
            "references": [], "names_person": False, "sender_unit_id": post if outgoing else facing,
            "recipient_unit_id": facing if outgoing else post, "author_name": "bench",
            "created_by_user_id": None, "status": status, "created_at": created, "sent_at": created,
            "delivered_at": created, "acknowledged_at": None, "answered_at": None, "closed_at": None,
            "deadline_at": created + dt.timedelta(days=3), "escalation_level": 1 if n % 10 in (0, 7) else 0,
            "escalation_done": False, "screening_flags": [], "search_text": fold_for_search(f"{subject} {body}"),
            "updated_at": updated,
        })
        entry = {"object_type": OBJECT_TYPE, "object_id": request_id, "urgent": priority == Priority.URGENT,
                 "deadline_at": created + dt.timedelta(days=3), "created_at": created, "updated_at": updated,
                 "read_at": None if n % UNREAD_EVERY == 0 else updated}
        entries.append({**entry, "unit_id": post, "reason": "sent" if outgoing else "received"})
        if n % 10 in (0, 7) and parent is not None:
            entries.append({**entry, "unit_id": parent, "reason": "escalated"})
    return requests, entries


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _copy(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Bulk-load rows: COPY on PostgreSQL (an order of magnitude faster), plain inserts elsewhere."""
    if session.get_bind().dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    columns = list(rows[0])
    raw = session.connection().connection.driver_connection
    assert raw is not None
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.__tablename__} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([_plain(row[c]) for c in columns])


def seed(node: Node, start: int, count: int) -> None:
    with node.transaction() as session:
        where = layout(session)
    done = 0
    while done < count:
        step = min(BATCH, count - done)
        requests, entries = seed_rows(start + done, step, where)
        with node.transaction() as session:
            _copy(session, HotlineRequest, requests)
            _copy(session, FeedEntry, entries)
        done += step
    # A database that has been running is vacuumed and analysed by autovacuum; do it at once after
    # a bulk load, so the planner's statistics and the visibility map are those of a settled one.
    with node.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("VACUUM ANALYZE"))


@dataclasses.dataclass(frozen=True)
class View:
    name: str
    kind: str  # "api" or "page"
    fetch: Callable[[], Any]


def login(app: Any, username: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert token, "the login page has no CSRF token"
    done = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
    assert done.status_code == 303, done.text
    return client


def views(node: Node, app: Any) -> list[View]:
    with node.transaction() as session:
        headers = {}
        for username in ("mongcai.officer", "qn.commander"):
            _, secret = accounts.create_token(session, accounts.find_user(session, username), "bench", node.clock.now())
            headers[username] = {"Authorization": f"Bearer {secret}"}
    api = TestClient(app)
    page = login(app, "mongcai.officer")

    def get(client: TestClient, url: str, who: str | None = None) -> Callable[[], Any]:
        def call() -> Any:
            response = client.get(url, headers=headers[who] if who else None)
            if response.status_code != 200:
                raise RuntimeError(f"{url}: HTTP {response.status_code} {response.text[:200]}")
            return response
        return call

    first = get(api, "/api/v1/hotline/inbox", "mongcai.officer")
    cursor = first().json()["next_cursor"]
    second_page = f"/api/v1/hotline/inbox?cursor={cursor}" if cursor else "/api/v1/hotline/inbox"
    return [
        View("API inbox, first 200", "api", first),
        View("API inbox, next page", "api", get(api, second_page, "mongcai.officer")),
        View("API inbox, urgent + delivered", "api",
             get(api, "/api/v1/hotline/inbox?priority=urgent&status=delivered", "mongcai.officer")),
        View("API inbox, text search", "api", get(api, "/api/v1/hotline/inbox?q=passport", "mongcai.officer")),
        # One request in the database has this document number (SUBJECTS).
        View("API inbox, text search, one match", "api",
             get(api, "/api/v1/hotline/inbox?q=E150001", "mongcai.officer")),
        View("API inbox, unread only", "api", get(api, "/api/v1/hotline/inbox?unread=true", "mongcai.officer")),
        View("API inbox, units below (province)", "api",
             get(api, "/api/v1/hotline/inbox?include_below=true", "qn.commander")),
        View("page inbox", "page", get(page, "/hotline")),
        View("page inbox, overdue + counterpart", "page",
             get(page, "/hotline?overdue=1&counterpart=CN-GX-DONGXING")),
    ]


def measure(view: View, samples: int) -> list[float]:
    for _ in range(WARM_UP):
        view.fetch()
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        view.fetch()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


@dataclasses.dataclass(frozen=True)
class Figure:
    size: int
    view: str
    p50: float
    p95: float

    @property
    def met(self) -> bool:
        return self.p95 <= GOAL_P95_MS


def prepare(url: str, root: Path) -> Node:
    engine = make_engine(url)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    migrate.upgrade(url)
    settings = write_node_config(root / "vn", "VN", {"database_url": url})
    node = open_node(load_settings(settings.node_dir))
    domains.register_message_handlers()
    with node.transaction() as session:
        directory.load_reference_data(session, "VN")
        for username, unit in (("mongcai.officer", "VN-QN-MONGCAI"), ("qn.commander", "VN-QN")):
            accounts.create_user(session, username=username, password=PASSWORD, unit_code=unit,
                                 role="officer" if unit.endswith("MONGCAI") else "commander",
                                 display_name=username, now=node.clock.now())
    return node


def run(url: str, sizes: Sequence[int], samples: int) -> list[Figure]:
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(prefix="bl-bench-inbox-") as folder:
        node = prepare(url, Path(folder))
        try:
            app = create_app(node, run_background=False)
            seeded = 0
            for size in sorted(sizes):
                started = time.perf_counter()
                seed(node, seeded, size - seeded)
                seeded = size
                progress(f"{size:,} requests in the database (seeded in {time.perf_counter() - started:.1f} s)")
                for view in views(node, app):
                    timings = measure(view, samples)
                    figures.append(Figure(size, view.name, percentile(timings, 50), percentile(timings, 95)))
        finally:
            node.engine.dispose()
    return figures


def load_average() -> str:
    """The machine's load while measuring: figures taken on a busy machine read slower."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} CPUs"


def report(figures: Sequence[Figure], backend: str) -> None:
    print(f"Hotline inbox read latency on {backend} (goal p95 <= {GOAL_P95_MS:.0f} ms)")
    print(f"load average at the end: {load_average()}")
    print(f"{'requests':>9}  {'view':<36} {'p50 ms':>8} {'p95 ms':>8}  goal")
    for figure in figures:
        print(f"{figure.size:>9,}  {figure.view:<36} {figure.p50:>8.1f} {figure.p95:>8.1f}  "
              f"{'ok' if figure.met else 'MISS'}")
    largest = max((f.size for f in figures), default=0)
    missed = [f.view for f in figures if f.size == largest and not f.met]
    print(f"goal: every view p95 <= {GOAL_P95_MS:.0f} ms at {largest:,} requests on {backend}: "
          f"{'PASS' if not missed else 'MISS (' + ', '.join(missed) + ')'}")


def sizes_from_env() -> list[int]:
    raw = os.environ.get("BORDERLINK_BENCH_INBOX_SIZES")
    return [int(part) for part in raw.split(",")] if raw else list(DEFAULT_SIZES)


def main() -> int:
    url = os.environ.get("BORDERLINK_BENCH_DATABASE_URL", DEFAULT_URL)
    samples = int(os.environ.get("BORDERLINK_BENCH_INBOX_SAMPLES", "30"))
    figures = run(url, sizes_from_env(), samples)
    report(figures, make_engine(url).dialect.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
