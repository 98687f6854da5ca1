"""The published schemas: valid JSON Schema, and they accept exactly what the contracts produce."""

from __future__ import annotations

import datetime as dt

import jsonschema
import pytest

from borderlink import domains
from borderlink.exchange import protocol
from borderlink.exchange.contracts import AnchorMessage
from borderlink.hotline.contracts import EscalationMessage, TimelineEvent
from borderlink.ids import new_id
from borderlink.shared.contracts import to_wire

domains.register_message_handlers()


def test_every_schema_is_a_valid_draft_2020_12_schema() -> None:
    schemas = protocol.all_schemas()
    assert {"envelope", "receipt", "hotline.request.v1", "exchange.anchor.v1"} <= set(schemas)
    for schema in schemas.values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_what_the_sending_side_writes_matches_the_schema() -> None:
    schemas = protocol.all_schemas()
    event = TimelineEvent(id=new_id(), kind="escalated", at=dt.datetime(2026, 3, 2, tzinfo=dt.UTC), party="VN",
                          unit_code="VN-QN", detail="level 1: VN-QN / CN-GX")
    escalation = EscalationMessage(request_id=new_id(), level=1, deadline_at=dt.datetime(2026, 3, 3, tzinfo=dt.UTC),
                                   recipient_side_unit="CN-GX", event=event)
    jsonschema.validate(to_wire(escalation), schemas["hotline.escalation.v1"])
    anchor = AnchorMessage(log_seq=3, log_hash="0" * 64, signature="c2ln")
    jsonschema.validate(to_wire(anchor), schemas["exchange.anchor.v1"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**to_wire(anchor), "extra": 1}, schemas["exchange.anchor.v1"])


def test_the_envelope_schema_requires_every_field() -> None:
    schema = protocol.envelope_schema()
    fields = {"v": 1, "id": new_id(), "sender_party": "VN", "recipient_party": "CN", "sender_unit": None,
              "recipient_unit": None, "kind": "test.echo", "handling_code": "H0",
              "created_at": "2026-03-02T08:00:00.000Z", "stream": "s", "seq": 1, "body": {}}
    wire = {"envelope": fields, "key_id": "0123456789abcdef", "signature": "c2ln"}
    jsonschema.validate(wire, schema)
    missing = {key: value for key, value in fields.items() if key != "seq"}
    with pytest.raises(jsonschema.ValidationError, match="'seq' is a required property"):
        jsonschema.validate({**wire, "envelope": missing}, schema)
