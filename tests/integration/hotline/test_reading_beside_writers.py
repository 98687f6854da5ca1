"""Opening a request is a GET that also writes (it marks the request read). On SQLite a GET begins
as a read beside the node's writers; when another writer commits between its read and its write,
the request is run again, taking the write lock first, and the reader still gets the request."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.integration.hotline.conftest import Pair, token_headers
from tests.support.factories import send_request

from borderlink.hotline import service
from borderlink.shared import counters, workfeed
from borderlink.shared.objectkinds import ObjectKind
from borderlink.shared.retry import SNAPSHOT


def test_opening_a_request_while_another_writer_commits_is_run_again_and_marks_it_read(
    pair: Pair, clients: dict[str, TestClient], monkeypatch: pytest.MonkeyPatch,
) -> None:
    created = send_request(pair, clients)
    pair.pump()
    dongxing = token_headers(pair, "CN", "dongxing.officer")
    original = ObjectKind.read
    calls: list[str] = []

    def read_while_another_writer_commits(*args: Any, **kwargs: Any) -> Any:
        request = original(*args, **kwargs)
        if not calls:  # the first time only: a write commits after this GET's read, before its own
            with pair.cn.transaction() as other:
                counters.add(other, counters.JOB_ROW_FAILURES, "a test writer", None)
        calls.append(request.id)
        return request

    monkeypatch.setattr(ObjectKind, "read", read_while_another_writer_commits)
    response = clients["CN"].get(f"/api/v1/hotline/requests/{created['id']}", headers=dongxing)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == created["id"]

    with pair.cn.transaction() as session:
        unit_id = next(e.unit_id for e in workfeed.entries_of(session, service.REQUEST_KIND.ref(created["id"])))
        entry = workfeed.entry_of(session, service.REQUEST_KIND.ref(created["id"]), unit_id)
        assert entry is not None
        assert entry.read_at is not None
        retried = {label: count for name, label, count in counters.all_counts(session)
                   if name == counters.TRANSACTION_RETRIES}
    if pair.cn.engine.dialect.name == "sqlite":
        assert calls == [created["id"], created["id"]]  # run again, once
        assert retried.get(SNAPSHOT) == 1
    else:  # PostgreSQL's readers and writers never wait on each other here
        assert calls == [created["id"]]
