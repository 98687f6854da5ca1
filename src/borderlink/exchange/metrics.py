"""Prometheus text exposition of the exchange's state, read from the database (so it is right
whichever process did the work, and survives restarts)."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from borderlink.db import statements_sent
from borderlink.exchange import service
from borderlink.exchange.inbox import REFUSAL_REASONS
from borderlink.exchange.models import OutboxEnvelope
from borderlink.shared import counters, retry

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _line(name: str, value: float, labels: dict[str, str] | None = None) -> str:
    if labels:
        inner = ",".join(f'{key}="{_escape(val)}"' for key, val in sorted(labels.items()))
        return f"{name}{{{inner}}} {_number(value)}"
    return f"{name} {_number(value)}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _family(lines: list[str], name: str, kind: str, help_text: str, samples: list[tuple[float, Any]]) -> None:
    lines.append(f"# HELP {name} {help_text}")
    lines.append(f"# TYPE {name} {kind}")
    for value, labels in samples:
        lines.append(_line(name, value, labels))


def render(session: Session, now: dt.datetime, party: str) -> str:
    data = service.overview(session, now)
    status = data["status"]
    sent_all = int(session.scalar(select(func.count()).select_from(OutboxEnvelope)
                                  .where(OutboxEnvelope.status != "pending")) or 0)
    pending_all = int(session.scalar(select(func.count()).select_from(OutboxEnvelope)
                                     .where(OutboxEnvelope.status == "pending")) or 0)
    refused = dict.fromkeys(REFUSAL_REASONS, 0)
    for row in data["refusals"]:
        refused[row.reason] = int(row.count)
    lines: list[str] = []
    _family(lines, "borderlink_exchange_queue_depth", "gauge",
            "Envelopes in the outbox waiting for the peer's receipt.", [(pending_all, None)])
    _family(lines, "borderlink_exchange_oldest_pending_age_seconds", "gauge",
            "Age of the oldest envelope still waiting for a receipt (0 if none).",
            [(round(data["oldest_pending_age_seconds"], 3), None)])
    contact = [(link.last_contact_at.timestamp(), {"peer": link.party}) for link in data["links"]
               if link.last_contact_at is not None]
    _family(lines, "borderlink_exchange_last_peer_contact_timestamp_seconds", "gauge",
            "When the peer last answered or sent to this node (Unix time).", contact)
    _family(lines, "borderlink_exchange_peer_consecutive_failures", "gauge",
            "Failed sends to the peer since the last success.",
            [(link.consecutive_failures, {"peer": link.party}) for link in data["links"]])
    _family(lines, "borderlink_exchange_sent_total", "counter",
            "Envelopes sent and receipted by the peer (including anchors).", [(sent_all, None)])
    _family(lines, "borderlink_exchange_delivered_total", "counter",
            "Traffic envelopes the peer receipted as received.", [(status["delivered"], None)])
    _family(lines, "borderlink_exchange_refused_by_peer_total", "counter",
            "Traffic envelopes the peer receipted as rejected.", [(status["refused"], None)])
    _family(lines, "borderlink_exchange_received_total", "counter",
            "Envelopes received from the peer and kept (applied, held or rejected by a handler).",
            [(data["received"], None)])
    _family(lines, "borderlink_exchange_held", "gauge",
            "Received envelopes waiting for an earlier one on their stream.",
            [(data["inbox"].get("held", 0), None)])
    _family(lines, "borderlink_exchange_dead_letters", "gauge",
            "Received envelopes whose handler kept failing, waiting for an operator.",
            [(data["inbox"].get("dead_letter", 0), None)])
    _family(lines, "borderlink_exchange_refused_total", "counter",
            "Envelopes or requests this node refused, by reason.",
            [(count, {"reason": reason}) for reason, count in sorted(refused.items())])
    _family(lines, "borderlink_exchange_info", "gauge", "This node's party.", [(1, {"party": party})])
    _operation_counts(lines, session)
    _family(lines, "borderlink_db_statements_total", "counter",
            "SQL statements this process has sent to the database since it started.",
            [(statements_sent(), {"pid": str(os.getpid())})])
    return "\n".join(lines) + "\n"


_OPERATION_FAMILIES = {
    counters.TRANSACTION_RETRIES: ("borderlink_transaction_retries_total", "cause",
                                   "Transactions that lost a deadlock or serialisation check (or, on SQLite, "
                                   "began as reads and then wrote behind another writer) and were run again."),
    counters.JOB_ROW_FAILURES: ("borderlink_job_row_failures_total", "job",
                                "Rows a background job failed on and skipped (the others still ran)."),
    counters.JOB_RUN_FAILURES: ("borderlink_job_run_failures_total", "job",
                                "Runs of a background job that failed as a whole."),
}


def _operation_counts(lines: list[str], session: Session) -> None:
    by_name: dict[str, list[tuple[float, Any]]] = {name: [] for name in _OPERATION_FAMILIES}
    for name, label, count in counters.all_counts(session):
        if name in by_name:
            by_name[name].append((count, {_OPERATION_FAMILIES[name][1]: label}))
    by_name[counters.TRANSACTION_RETRIES] = [
        (next((v for v, labels in by_name[counters.TRANSACTION_RETRIES] if labels["cause"] == cause), 0),
         {"cause": cause}) for cause in retry.CAUSES]
    for name, (family, _label, help_text) in _OPERATION_FAMILIES.items():
        _family(lines, family, "counter", help_text, by_name[name])
