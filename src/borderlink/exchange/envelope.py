"""Envelopes and receipts: their fields, their canonical form, signing and checking.

On the wire an envelope is `{"envelope": {...fields}, "key_id": ..., "signature": ...}`; the
signature is Ed25519 over the RFC 8785 canonical bytes of the fields object. A receipt has the same
shape with `"receipt"` in place of `"envelope"`.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import re
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from borderlink.errors import InvalidInput
from borderlink.exchange.canonical import canonical, sha256_hex

FORMAT_VERSION = 1
HANDLING_CODES = ("H0", "H1", "H2", "H3")
RECEIPT_STATUSES = ("applied", "duplicate", "held", "rejected")
PARTIES = ("VN", "CN")
KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$")
MAX_KIND = 80
MAX_STREAM = 200
MAX_UNIT = 80
ENVELOPE_FIELDS = frozenset({
    "v", "id", "sender_party", "recipient_party", "sender_unit", "recipient_unit", "kind",
    "handling_code", "created_at", "stream", "seq", "body",
})
RECEIPT_FIELDS = frozenset({
    "v", "envelope_id", "content_hash", "status", "reason", "receiver_party", "received_at",
})
UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class Malformed(ValueError):
    """The bytes are not a well-formed envelope or receipt."""


def format_time(moment: dt.datetime) -> str:
    """UTC, millisecond precision, `Z` suffix: one spelling per instant, so signatures are stable."""
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_time(text: str) -> dt.datetime:
    if not isinstance(text, str) or not text.endswith("Z"):
        raise Malformed(f"timestamp {text!r} is not UTC ISO 8601 with Z")
    try:
        moment = dt.datetime.fromisoformat(text[:-1] + "+00:00")
    except ValueError as exc:
        raise Malformed(f"timestamp {text!r} is not ISO 8601") from exc
    return moment


def truncate_ms(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@dataclasses.dataclass(frozen=True, slots=True)
class Envelope:
    id: str
    sender_party: str
    recipient_party: str
    sender_unit: str | None
    recipient_unit: str | None
    kind: str
    handling_code: str
    created_at: dt.datetime
    stream: str
    seq: int
    body: dict[str, Any]

    def fields(self) -> dict[str, Any]:
        return {
            "v": FORMAT_VERSION,
            "id": self.id,
            "sender_party": self.sender_party,
            "recipient_party": self.recipient_party,
            "sender_unit": self.sender_unit,
            "recipient_unit": self.recipient_unit,
            "kind": self.kind,
            "handling_code": self.handling_code,
            "created_at": format_time(self.created_at),
            "stream": self.stream,
            "seq": self.seq,
            "body": self.body,
        }

    def canonical_bytes(self, body_bytes: bytes | None = None) -> bytes:
        """The signed bytes. `body_bytes`, the body's own canonical bytes when the caller has them
        already, are spliced in rather than worked out again (the body is most of an envelope):
        RFC 8785 sorts the keys, and "body" sorts before every other field name."""
        if body_bytes is None:
            return canonical(self.fields())
        rest = {name: value for name, value in self.fields().items() if name != "body"}
        return b'{"body":' + body_bytes + b"," + canonical(rest)[1:]


@dataclasses.dataclass(frozen=True, slots=True)
class SignedEnvelope:
    envelope: Envelope
    content: bytes  # the canonical bytes that were signed
    key_id: str
    signature: str  # base64 of the 64-byte Ed25519 signature

    @property
    def content_hash(self) -> str:
        return sha256_hex(self.content)

    def wire(self) -> dict[str, Any]:
        return {"envelope": self.envelope.fields(), "key_id": self.key_id, "signature": self.signature}


def sign_bytes(key: Ed25519PrivateKey, data: bytes) -> str:
    return base64.b64encode(key.sign(data)).decode("ascii")


def signature_valid(public: Ed25519PublicKey, data: bytes, signature: str) -> bool:
    try:
        raw = base64.b64decode(signature, validate=True)
        public.verify(raw, data)
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def sign_envelope(envelope: Envelope, key: Ed25519PrivateKey, key_id: str,
                  body_bytes: bytes | None = None) -> SignedEnvelope:
    content = envelope.canonical_bytes(body_bytes)
    return SignedEnvelope(envelope, content, key_id, sign_bytes(key, content))


def validate_kind(kind: str) -> str:
    if not isinstance(kind, str) or len(kind) > MAX_KIND or not KIND_PATTERN.match(kind):
        raise InvalidInput(f"kind {kind!r} must be dotted lower-case words (at most {MAX_KIND} characters)")
    return kind


def _text(fields: dict[str, Any], name: str, limit: int, *, optional: bool = False) -> Any:
    value = fields.get(name)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value or len(value) > limit:
        raise Malformed(f"field {name!r} must be a non-empty string of at most {limit} characters")
    return value


def envelope_from_fields(fields: Any) -> Envelope:
    """Check the shape and types of an envelope's fields (not its signature)."""
    if not isinstance(fields, dict):
        raise Malformed("envelope must be a JSON object")
    if set(fields) != ENVELOPE_FIELDS:
        missing = sorted(ENVELOPE_FIELDS - set(fields))
        extra = sorted(set(fields) - ENVELOPE_FIELDS)
        raise Malformed(f"envelope fields wrong (missing {missing}, unexpected {extra})")
    if fields["v"] != FORMAT_VERSION or isinstance(fields["v"], bool):
        raise Malformed(f"unsupported envelope version {fields['v']!r}")
    envelope_id = _text(fields, "id", 36)
    if not UUID_PATTERN.match(envelope_id):
        raise Malformed("field 'id' must be a lower-case UUID")
    for name in ("sender_party", "recipient_party"):
        if fields[name] not in PARTIES:
            raise Malformed(f"field {name!r} must be VN or CN")
    kind = _text(fields, "kind", MAX_KIND)
    if not KIND_PATTERN.match(kind):
        raise Malformed(f"field 'kind' {kind!r} is not a dotted lower-case name")
    if fields["handling_code"] not in HANDLING_CODES:
        raise Malformed("field 'handling_code' must be one of H0..H3")
    seq = fields["seq"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 1:
        raise Malformed("field 'seq' must be a positive integer")
    if not isinstance(fields["body"], dict):
        raise Malformed("field 'body' must be a JSON object")
    return Envelope(
        id=envelope_id,
        sender_party=fields["sender_party"],
        recipient_party=fields["recipient_party"],
        sender_unit=_text(fields, "sender_unit", MAX_UNIT, optional=True),
        recipient_unit=_text(fields, "recipient_unit", MAX_UNIT, optional=True),
        kind=kind,
        handling_code=fields["handling_code"],
        created_at=parse_time(fields["created_at"]),
        stream=_text(fields, "stream", MAX_STREAM),
        seq=seq,
        body=fields["body"],
    )


@dataclasses.dataclass(frozen=True, slots=True)
class WireEnvelope:
    """An envelope as received: parsed, its canonical bytes recomputed, signature not yet checked."""

    envelope: Envelope
    content: bytes
    key_id: str
    signature: str

    @property
    def content_hash(self) -> str:
        return sha256_hex(self.content)


def parse_wire_envelope(item: Any) -> WireEnvelope:
    if not isinstance(item, dict) or set(item) != {"envelope", "key_id", "signature"}:
        raise Malformed("each item must be an object with envelope, key_id and signature")
    key_id, signature = item["key_id"], item["signature"]
    if not isinstance(key_id, str) or not isinstance(signature, str) or len(signature) > 200:
        raise Malformed("key_id and signature must be strings")
    envelope = envelope_from_fields(item["envelope"])
    try:
        content = canonical(item["envelope"])
    except InvalidInput as exc:
        raise Malformed(str(exc)) from exc
    return WireEnvelope(envelope, content, key_id, signature)


@dataclasses.dataclass(frozen=True, slots=True)
class Receipt:
    envelope_id: str
    content_hash: str
    status: str
    reason: str | None
    receiver_party: str
    received_at: dt.datetime

    def fields(self) -> dict[str, Any]:
        return {
            "v": FORMAT_VERSION,
            "envelope_id": self.envelope_id,
            "content_hash": self.content_hash,
            "status": self.status,
            "reason": self.reason,
            "receiver_party": self.receiver_party,
            "received_at": format_time(self.received_at),
        }


@dataclasses.dataclass(frozen=True, slots=True)
class SignedReceipt:
    receipt: Receipt
    content: bytes
    key_id: str
    signature: str

    def wire(self) -> dict[str, Any]:
        return {"receipt": self.receipt.fields(), "key_id": self.key_id, "signature": self.signature}


def sign_receipt(receipt: Receipt, key: Ed25519PrivateKey, key_id: str) -> SignedReceipt:
    content = canonical(receipt.fields())
    return SignedReceipt(receipt, content, key_id, sign_bytes(key, content))


def parse_wire_receipt(item: Any) -> SignedReceipt:
    if not isinstance(item, dict) or set(item) != {"receipt", "key_id", "signature"}:
        raise Malformed("each receipt must be an object with receipt, key_id and signature")
    fields = item["receipt"]
    if not isinstance(fields, dict) or set(fields) != RECEIPT_FIELDS:
        raise Malformed("receipt fields wrong")
    if fields["status"] not in RECEIPT_STATUSES:
        raise Malformed(f"unknown receipt status {fields['status']!r}")
    if fields["reason"] is not None and not isinstance(fields["reason"], str):
        raise Malformed("receipt reason must be a string or null")
    if not isinstance(item["key_id"], str) or not isinstance(item["signature"], str):
        raise Malformed("key_id and signature must be strings")
    receipt = Receipt(
        envelope_id=_text(fields, "envelope_id", 36),
        content_hash=_text(fields, "content_hash", 64),
        status=fields["status"],
        reason=fields["reason"],
        receiver_party=_text(fields, "receiver_party", 2),
        received_at=parse_time(fields["received_at"]),
    )
    try:
        content = canonical(fields)
    except InvalidInput as exc:
        raise Malformed(str(exc)) from exc
    return SignedReceipt(receipt, content, item["key_id"], item["signature"])
