"""Conformance: the published JSON Schemas are valid schemas, and the real federation listener (mutual
TLS on a loopback port) accepts a schema-valid example of every kind and rejects a schema-invalid one
with a receipt naming the field."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from tests.e2e.nodes import free_port
from tests.integration.hotline import schema_examples
from tests.integration.hotline.conftest import Pair
from typer.testing import CliRunner

from borderlink.cli.main import app
from borderlink.exchange import keys, protocol
from borderlink.exchange.canonical import canonical
from borderlink.exchange.envelope import Envelope, format_time, parse_wire_receipt, sign_bytes, sign_envelope
from borderlink.exchange.transport import HttpsTransport, federation_listener
from borderlink.hotline.service import REQUEST_KIND
from borderlink.ids import new_id
from borderlink.shared.contracts import CONTRACTS

VN_POST, CN_POST = "VN-QN-MONGCAI", "CN-GX-DONGXING"


@contextlib.contextmanager
def listening(pair: Pair) -> Iterator[HttpsTransport]:
    """CN's real federation listener on a free loopback port, and VN's real client for it."""
    port = free_port()
    server = federation_listener(pair.cn, port=port)
    assert server is not None
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the listener did not start"
        time.sleep(0.02)
    peer = keys.require_peer(pair.vn.settings)
    transport = HttpsTransport(keys.load_local(pair.vn.settings),
                               dataclasses.replace(peer, federation_url=f"https://127.0.0.1:{port}"), timeout=15)
    try:
        yield transport
    finally:
        transport.close()
        server.should_exit = True
        thread.join(timeout=15)


class Sender:
    """VN's side: numbers each stream, signs with VN's key, posts and returns the receipts."""

    def __init__(self, pair: Pair, transport: HttpsTransport) -> None:
        self.pair, self.transport = pair, transport
        self.seqs: dict[str, int] = {}
        self.local = keys.load_local(pair.vn.settings)

    def send(self, kind: str, body: dict[str, Any], stream: str) -> dict[str, Any]:
        self.seqs[stream] = self.seqs.get(stream, 0) + 1
        hotline = kind.startswith("hotline.")
        envelope = Envelope(id=new_id(), sender_party="VN", recipient_party="CN",
                            sender_unit=VN_POST if hotline else None, recipient_unit=CN_POST if hotline else None,
                            kind=kind, handling_code="H0", created_at=self.pair.clock.now(), stream=stream,
                            seq=self.seqs[stream], body=body)
        wire = sign_envelope(envelope, self.local.signing_key, self.local.key_id).wire()
        payload = json.dumps({"sender": "VN", "sent_at": format_time(self.pair.clock.now()),
                              "envelopes": [wire]}).encode()
        status, content = self.transport.post(payload)
        assert status == 200, content
        receipts = [parse_wire_receipt(item).receipt for item in json.loads(content)["receipts"]]
        assert len(receipts) == 1
        return {"status": receipts[0].status, "reason": receipts[0].reason or ""}


def _event(kind: str) -> dict[str, Any]:
    return {"id": new_id(), "kind": kind, "at": "2026-03-02T08:00:00Z", "party": "VN", "unit_code": VN_POST,
            "detail": None}


def _examples(pair: Pair, request_id: str) -> list[tuple[str, str, dict[str, Any], dict[str, Any], str]]:
    """(kind, stream, valid body, invalid body, the field the refusal must name), in sending order."""
    local = keys.load_local(pair.vn.settings)
    log_hash = "ab" * 32
    statement = canonical({"purpose": "borderlink-log-anchor", "party": "VN", "log_seq": 7, "log_hash": log_hash})
    request = {
        "id": request_id, "kind": "information", "assistance_type": None, "subject": "Cigarette smuggling",
        "body": "Two trucks expected tonight.", "priority": "normal", "offence_code": "06012",
        "handling_code": "H0", "handling_note": None, "references": [{"type": "vehicle", "plate": "14B1-234.56"}],
        "author_name": "mongcai.officer", "created_at": "2026-03-02T08:00:00Z", "deadline_seconds": 3600,
        "deadline_at": None, "sent_event": _event("sent"), "release_note": None, "attachments": [],
    }
    stream = REQUEST_KIND.stream(request_id)
    return [
        ("test.echo", "conformance", {"n": 1, "note": "hello"}, {"n": "1"}, "body.n"),
        ("exchange.anchor", "exchange.anchor",
         {"log_seq": 7, "log_hash": log_hash, "signature": sign_bytes(local.signing_key, statement)},
         {"log_seq": 0, "log_hash": log_hash, "signature": "x"}, "body.log_seq"),
        ("hotline.request", stream, request, {**request, "id": new_id(), "priority": "whenever"}, "body.priority"),
        ("hotline.reply", stream,
         {"request_id": request_id, "reply": {"id": new_id(), "author_party": "VN", "author_unit_code": VN_POST,
                                              "author_name": "mongcai.officer", "body": "More detail follows.",
                                              "created_at": "2026-03-02T08:05:00Z"}, "event": None},
         {"request_id": request_id, "reply": {"id": new_id()}}, "body.reply.author_party"),
        ("hotline.escalation", stream,
         {"request_id": request_id, "level": 1, "deadline_at": "2026-03-02T12:00:00Z", "recipient_side_unit": "CN-GX",
          "event": {**_event("escalated"), "unit_code": "VN-QN"}},
         {"request_id": request_id, "level": 0, "deadline_at": "2026-03-02T12:00:00Z", "event": _event("escalated")},
         "body.level"),
        ("hotline.event", stream, {"request_id": request_id, "event": _event("closed")},
         {"request_id": request_id}, "body.event"),
        # A countersignature of an anchor CN never made: valid in form, refused on the merits.
        ("exchange.countersign", "exchange.countersign",
         {"anchor_id": new_id(), "log_seq": 7, "log_hash": log_hash, "countersignature": "x"},
         {"anchor_id": "not-a-uuid", "log_seq": 7, "log_hash": log_hash, "countersignature": "x"},
         "body.anchor_id"),
    ]


def test_the_schemas_are_valid_json_schemas(tmp_path: Path, pair: Pair) -> None:
    result = CliRunner().invoke(app, ["protocol", "schemas", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = {path.stem for path in tmp_path.glob("*.json")}
    assert names == {"envelope", "receipt", *(c.schema_name for c in CONTRACTS)}
    assert {"hotline.request.v1", "hotline.event.v1", "hotline.reply.v1", "hotline.escalation.v1",
            "exchange.anchor.v1", "exchange.countersign.v1", "test.echo.v1"} <= names
    for path in tmp_path.glob("*.json"):
        schema = json.loads(path.read_text("utf-8"))
        jsonschema.Draft202012Validator.check_schema(schema)


def test_the_running_listener_accepts_valid_and_rejects_invalid_examples_of_every_kind(pair: Pair) -> None:
    schemas = protocol.all_schemas()
    request_id = new_id()
    examples = _examples(pair, request_id)
    written = {kind for kind, *_ in examples}
    # Every other kind gets the smallest body its schema allows and that body broken; it may be refused
    # on its merits (it names objects CN does not hold), never by the body check.
    from_schema = sorted(c.kind for c in CONTRACTS if c.kind not in written and not c.kind.startswith("test."))
    assert {"hotline.request", "exchange.anchor"} <= written
    with listening(pair) as transport:
        sender = Sender(pair, transport)
        for kind, stream, valid, invalid, field in examples:
            schema = schemas[f"{kind}.v1"]
            jsonschema.validate(valid, schema)
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate(invalid, schema)
            bad = sender.send(kind, invalid, f"{stream}:invalid")
            assert bad["status"] == "rejected", (kind, bad)
            assert bad["reason"].startswith(f"invalid_body: {field}"), (kind, bad)
            good = sender.send(kind, valid, stream)
            expected = "rejected" if kind == "exchange.countersign" else "applied"
            assert good["status"] == expected, (kind, good)
            assert not good["reason"].startswith("invalid_body"), (kind, good)
        for kind in from_schema:
            schema = schemas[f"{kind}.v1"]
            valid = schema_examples.minimal(schema)
            invalid, field = schema_examples.broken(schema, valid)
            jsonschema.validate(valid, schema)
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate(invalid, schema)
            bad = sender.send(kind, invalid, f"{kind}:invalid")
            assert bad["status"] == "rejected", (kind, bad)
            assert bad["reason"].startswith(f"invalid_body: {field}"), (kind, bad)
            good = sender.send(kind, valid, f"{kind}:schema")
            assert not good["reason"].startswith("invalid_body"), (kind, valid, good)
    with pair.cn.transaction() as session:
        from borderlink.hotline.models import HotlineRequest

        received = session.get(HotlineRequest, request_id)
        assert received is not None
        assert received.status.value == "closed"
        assert received.escalation_level == 1
