"""Canonical JSON against the published examples of RFC 8785 (JSON Canonicalization Scheme)."""

from __future__ import annotations

import json
import struct

import pytest

from borderlink.errors import InvalidInput
from borderlink.exchange.canonical import canonical

# RFC 8785 §3.2.2: the sample input object and its canonical form (§3.2.3 / §3.2.4).
RFC_SAMPLE_INPUT = r"""{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"""
RFC_SAMPLE_OUTPUT = (
    '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],'
    '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}'
)

# RFC 8785 Appendix B: IEEE 754 double (as hex) -> its canonical serialisation.
RFC_NUMBER_EXAMPLES = [
    ("0000000000000000", "0"),
    ("8000000000000000", "0"),
    ("0000000000000001", "5e-324"),
    ("8000000000000001", "-5e-324"),
    ("7fefffffffffffff", "1.7976931348623157e+308"),
    ("ffefffffffffffff", "-1.7976931348623157e+308"),
    ("4340000000000000", "9007199254740992"),
    ("c340000000000000", "-9007199254740992"),
    ("4430000000000000", "295147905179352830000"),
    ("44b52d02c7e14af5", "9.999999999999997e+22"),
    ("44b52d02c7e14af6", "1e+23"),
    ("44b52d02c7e14af7", "1.0000000000000001e+23"),
    ("444b1ae4d6e2ef4e", "999999999999999700000"),
    ("444b1ae4d6e2ef4f", "999999999999999900000"),
    ("444b1ae4d6e2ef50", "1e+21"),
    ("3eb0c6f7a0b5ed8c", "9.999999999999997e-7"),
    ("3eb0c6f7a0b5ed8d", "0.000001"),
    ("41b3de4355555553", "333333333.3333332"),
    ("41b3de4355555554", "333333333.33333325"),
    ("41b3de4355555555", "333333333.3333333"),
    ("41b3de4355555556", "333333333.3333334"),
    ("41b3de4355555557", "333333333.33333343"),
    ("becbf647612f3696", "-0.0000033333333333333333"),
    ("43143ff3c1cb0959", "1424953923781206.2"),
]


def _double(hex_bits: str) -> float:
    value: float = struct.unpack(">d", bytes.fromhex(hex_bits))[0]
    return value


def test_rfc8785_sample_object_canonicalises_to_the_published_bytes() -> None:
    assert canonical(json.loads(RFC_SAMPLE_INPUT)) == RFC_SAMPLE_OUTPUT.encode("utf-8")


@pytest.mark.parametrize(("hex_bits", "expected"), RFC_NUMBER_EXAMPLES)
def test_rfc8785_appendix_b_numbers(hex_bits: str, expected: str) -> None:
    assert canonical(_double(hex_bits)) == expected.encode("ascii")


@pytest.mark.parametrize("hex_bits", ["7fffffffffffffff", "7ff0000000000000"])
def test_nan_and_infinity_are_not_json(hex_bits: str) -> None:
    with pytest.raises(InvalidInput):
        canonical(_double(hex_bits))


def test_keys_sort_by_utf16_code_units() -> None:
    # RFC 8785 §3.2.3: property names sort by their UTF-16 code units, not by code points.
    value = {"\U0001f600": 1, "\ufb33": 2, "a": 3}
    assert canonical(value) == '{"a":3,"\U0001f600":1,"\ufb33":2}'.encode()


def test_non_ascii_text_is_emitted_as_utf8_not_escaped() -> None:
    assert canonical({"name": "Móng Cái 东兴"}) == '{"name":"Móng Cái 东兴"}'.encode()
