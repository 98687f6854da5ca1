"""Canonical JSON (RFC 8785, the JSON Canonicalization Scheme) and digests over it.

Signatures are computed over these bytes, so both nodes must produce exactly the same bytes for
the same JSON value whatever library or language they use.
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785

from borderlink.errors import InvalidInput


def canonical(value: Any) -> bytes:
    """The RFC 8785 serialisation of a JSON value (UTF-8, sorted keys, ES6 number format)."""
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise InvalidInput(f"not representable as canonical JSON: {exc}") from exc


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(value: Any) -> str:
    return sha256_hex(canonical(value))
