"""Envelope fields, canonical form, Ed25519 signatures (checked with an independent library),
wire parsing, receipts, keys and peer identities."""

from __future__ import annotations

import base64
import datetime as dt
import json
import stat
from pathlib import Path
from typing import Any

import nacl.exceptions
import nacl.signing
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from borderlink.config import write_node_config
from borderlink.errors import InvalidInput
from borderlink.exchange import keys
from borderlink.exchange.canonical import canonical
from borderlink.exchange.envelope import (
    Envelope,
    Malformed,
    Receipt,
    format_time,
    parse_time,
    parse_wire_envelope,
    parse_wire_receipt,
    sign_envelope,
    sign_receipt,
    signature_valid,
)
from borderlink.ids import new_id

MOMENT = dt.datetime(2026, 11, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)


def envelope(**changes: Any) -> Envelope:
    values: dict[str, Any] = {
        "id": new_id(), "sender_party": "VN", "recipient_party": "CN", "sender_unit": "VN-QN-MONGCAI",
        "recipient_unit": "CN-GX-DONGXING", "kind": "hotline.request", "handling_code": "H1",
        "created_at": MOMENT.replace(microsecond=678000), "stream": "req-1", "seq": 7,
        "body": {"text": "Xin chào 你好", "n": 1.5, "list": [1, 2, 3]},
    }
    values.update(changes)
    return Envelope(**values)


def test_canonical_form_has_sorted_fields_and_millisecond_utc_time() -> None:
    item = envelope()
    text = item.canonical_bytes().decode("utf-8")
    assert text.startswith('{"body":{"list":[1,2,3],"n":1.5,"text":"Xin chào 你好"},"created_at":')
    assert '"created_at":"2026-11-02T03:04:05.678Z"' in text
    assert json.loads(text)["seq"] == 7


def test_time_format_round_trips() -> None:
    assert format_time(MOMENT) == "2026-11-02T03:04:05.678Z"
    assert parse_time("2026-11-02T03:04:05.678Z") == MOMENT.replace(microsecond=678000)
    with pytest.raises(Malformed):
        parse_time("2026-11-02T03:04:05+07:00")


def test_signature_verifies_with_pynacl_an_independent_ed25519_implementation() -> None:
    key = Ed25519PrivateKey.generate()
    raw_public = keys.public_raw(key.public_key())
    signed = sign_envelope(envelope(), key, keys.key_id_of(raw_public))
    verify_key = nacl.signing.VerifyKey(raw_public)
    assert verify_key.verify(signed.content, base64.b64decode(signed.signature)) == signed.content
    tampered = signed.content.replace(b'"seq":7', b'"seq":8')
    with pytest.raises(nacl.exceptions.BadSignatureError):
        verify_key.verify(tampered, base64.b64decode(signed.signature))


def test_a_pynacl_signature_verifies_in_borderlink() -> None:
    signing_key = nacl.signing.SigningKey.generate()
    content = envelope().canonical_bytes()
    signature = base64.b64encode(signing_key.sign(content).signature).decode()
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    public = Ed25519PublicKey.from_public_bytes(bytes(signing_key.verify_key))
    assert signature_valid(public, content, signature)
    assert not signature_valid(public, content + b" ", signature)
    assert not signature_valid(public, content, "not base64!")


def test_wire_round_trip_recomputes_the_same_canonical_bytes() -> None:
    key = Ed25519PrivateKey.generate()
    signed = sign_envelope(envelope(), key, "k1")
    received = parse_wire_envelope(json.loads(json.dumps(signed.wire())))
    assert received.content == signed.content
    assert received.envelope == signed.envelope
    assert received.content_hash == signed.content_hash


@pytest.mark.parametrize(("field", "value"), [
    ("seq", 0), ("seq", "7"), ("seq", True), ("handling_code", "H9"), ("kind", "Bad Kind"),
    ("sender_party", "XX"), ("id", "not-a-uuid"), ("body", [1, 2]), ("created_at", "yesterday"),
    ("stream", ""), ("v", 2),
])
def test_malformed_fields_are_refused(field: str, value: Any) -> None:
    wire = sign_envelope(envelope(), Ed25519PrivateKey.generate(), "k1").wire()
    wire["envelope"][field] = value
    with pytest.raises(Malformed):
        parse_wire_envelope(wire)


def test_missing_or_extra_fields_are_refused() -> None:
    wire = sign_envelope(envelope(), Ed25519PrivateKey.generate(), "k1").wire()
    del wire["envelope"]["stream"]
    with pytest.raises(Malformed, match="missing"):
        parse_wire_envelope(wire)
    wire = sign_envelope(envelope(), Ed25519PrivateKey.generate(), "k1").wire()
    wire["envelope"]["extra"] = 1
    with pytest.raises(Malformed, match="unexpected"):
        parse_wire_envelope(wire)
    with pytest.raises(Malformed):
        parse_wire_envelope({"envelope": {}, "signature": "x"})


def test_receipt_signature_and_parsing() -> None:
    key = Ed25519PrivateKey.generate()
    receipt = Receipt(new_id(), "ab" * 32, "applied", None, "CN", MOMENT.replace(microsecond=0))
    signed = sign_receipt(receipt, key, "k2")
    parsed = parse_wire_receipt(json.loads(json.dumps(signed.wire())))
    assert parsed.receipt == receipt
    assert parsed.content == canonical(receipt.fields())
    assert signature_valid(key.public_key(), parsed.content, parsed.signature)
    bad = signed.wire()
    bad["receipt"]["status"] = "lost"
    with pytest.raises(Malformed):
        parse_wire_receipt(bad)


def test_keys_are_owner_only_and_identity_round_trips(tmp_path: Path) -> None:
    vn = write_node_config(tmp_path / "vn", "VN", {"federation_host": "10.1.2.3"})
    cn = write_node_config(tmp_path / "cn", "CN", {})
    assert keys.init_keys(vn) is True
    assert keys.init_keys(vn) is False  # never overwritten
    keys.init_keys(cn)
    for name in (keys.SIGNING_KEY_FILE, keys.TLS_KEY_FILE):
        mode = stat.S_IMODE((tmp_path / "vn" / "keys" / name).stat().st_mode)
        assert mode == 0o600, oct(mode)
    identity = keys.export_identity(vn)
    assert identity["party"] == "VN"
    assert identity["federation_url"] == "https://10.1.2.3:8711"
    peer = keys.import_peer(cn, json.loads(json.dumps(identity)))
    assert peer.party == "VN"
    assert peer.key_id == keys.load_local(vn).key_id
    assert peer.tls_cert_path.read_text() == identity["tls_certificate_pem"]
    from cryptography import x509

    certificate = x509.load_pem_x509_certificate(identity["tls_certificate_pem"].encode())
    names = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {str(ip) for ip in names.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "10.1.2.3"}
    assert names.get_values_for_type(x509.DNSName) == ["localhost"]


def test_importing_yourself_or_garbage_is_refused(tmp_path: Path) -> None:
    vn = write_node_config(tmp_path / "vn", "VN", {})
    keys.init_keys(vn)
    identity = keys.export_identity(vn)
    with pytest.raises(InvalidInput, match="other party"):
        keys.import_peer(vn, identity)
    with pytest.raises(InvalidInput):
        keys.import_peer(vn, {"format": keys.IDENTITY_FORMAT, "party": "CN"})
    with pytest.raises(InvalidInput):
        keys.import_peer(vn, {**identity, "party": "CN", "signing_public_key": "AAAA"})


@pytest.mark.parametrize("body", [
    {"text": "Xin chào 你好", "n": 1.5, "list": [1, 2, 3]},
    {},
    {"a": None, "zz": {"nested": ["é", 10**15]}, "Body": "upper case sorts first"},
])
def test_a_body_canonicalised_once_is_spliced_into_exactly_the_canonical_envelope(body: dict[str, Any]) -> None:
    made = envelope(body=body, sender_unit=None)
    assert made.canonical_bytes(canonical(body)) == made.canonical_bytes() == canonical(made.fields())
    key = Ed25519PrivateKey.generate()
    assert sign_envelope(made, key, "k1", canonical(body)).content == sign_envelope(made, key, "k1").content
