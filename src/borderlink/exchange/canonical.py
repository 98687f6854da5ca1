"""Canonical JSON (RFC 8785, the JSON Canonicalization Scheme) and digests over it.

Signatures are computed over these bytes, so both nodes must produce exactly the same bytes for
the same JSON value whatever library or language they use.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import rfc8785

from borderlink.errors import InvalidInput

# The integers a JSON number carries exactly (IEEE 754 doubles); RFC 8785 refuses the others.
_MAX_EXACT_INT = 2**53 - 1
_compact = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False).encode


def canonical(value: Any) -> bytes:
    """The RFC 8785 serialisation of a JSON value (UTF-8, sorted keys, ES6 number format).

    Envelopes are canonicalised on every send and receive, and the RFC's reference serialiser is
    written in Python. For a value without floating-point numbers, whose keys are ASCII and whose
    integers are exact, the standard library's compact sorted form is byte for byte the same
    (the same escapes, and ASCII keys sort alike by code point and by UTF-16 unit), so it is used
    for those; anything else goes through the reference serialiser."""
    if _plain(value):
        try:
            return _compact(value).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: the reference serialiser refuses it with its own error
    try:
        return rfc8785.dumps(value)
    except rfc8785.CanonicalizationError as exc:
        raise InvalidInput(f"not representable as canonical JSON: {exc}") from exc


def _plain(value: Any) -> bool:
    """Strings, exact integers, booleans, null, and lists and objects (ASCII keys) of them."""
    if isinstance(value, str) or value is None or isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -_MAX_EXACT_INT <= value <= _MAX_EXACT_INT
    if isinstance(value, dict):
        return all(isinstance(key, str) and key.isascii() and _plain(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return all(_plain(item) for item in value)
    return False


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(value: Any) -> str:
    return sha256_hex(canonical(value))
