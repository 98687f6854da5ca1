"""The smallest body a published JSON Schema accepts, and one it refuses, built from the schema alone.

The conformance test sends both for every kind that has no hand-written example: what the other
side's own implementation would learn from the schema must get through the body check, and a body
that breaks the schema must be refused with the field named.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

# Strings tried, in turn, against a schema's `pattern`; a new pattern with no fitting candidate fails
# the conformance test, which names it.
_PATTERN_CANDIDATES = (
    "019a0000-0000-7000-8000-000000000001", "VN", "H0", "06012", "VN-QN-MONGCAI", "ab" * 32, "1088/2",
    "A", "a1", "x", "AB", "VNM", "2026-03-02", "2026", "0", "1", "+84", "H1",
)


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        path = schema["$ref"].removeprefix("#/").split("/")
        target: Any = root
        for part in path:
            target = target[part]
        schema = target
    return schema


def _string(schema: dict[str, Any]) -> str:
    if schema.get("format") == "date-time":
        return "2026-03-02T08:00:00Z"
    if schema.get("format") == "date":
        return "2026-03-02"
    if schema.get("format") == "uuid":
        return str(uuid.UUID("019a0000-0000-7000-8000-000000000001"))
    low, high = schema.get("minLength", 1), schema.get("maxLength", 10_000)
    if "pattern" in schema:
        for candidate in _PATTERN_CANDIDATES:
            if low <= len(candidate) <= high and re.search(schema["pattern"], candidate):
                return candidate
        raise AssertionError(f"no example string fits the pattern {schema['pattern']!r}")
    return "x" * max(low, 1)


def minimal(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """The smallest instance of `schema`: required members only, first choices, lowest bounds."""
    root = schema if root is None else root
    schema = _resolve(schema, root)
    if "properties" in schema:
        # A `oneOf` beside the members says which of them go together: take the first choice.
        required = list(schema.get("required", []))
        choices = schema.get("oneOf") or schema.get("anyOf") or []
        required += [name for name in (choices[0].get("required", []) if choices else []) if name not in required]
        return {name: minimal(schema["properties"][name], root) for name in required}
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for choice in ("anyOf", "oneOf"):
        if choice in schema:
            options = [option for option in schema[choice] if _resolve(option, root).get("type") != "null"]
            return minimal((options or schema[choice])[0], root)
    if "allOf" in schema:
        return minimal(schema["allOf"][0], root)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        return {}
    if kind == "array":
        return [minimal(schema.get("items", {}), root) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        return _string(schema)
    if kind == "integer":
        return int(schema.get("minimum", schema.get("exclusiveMinimum", -1) + 1))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return {}


def broken(schema: dict[str, Any], valid: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """`valid` with its first required member given a value of the wrong type, and that member's path."""
    required = schema.get("required", [])
    assert required, f"{schema.get('title')} has no required member to break"
    name = required[0]
    member = _resolve(schema["properties"][name], schema)
    wrong: Any = 12345 if member.get("type") != "integer" else "not a number"
    return {**valid, name: wrong}, f"body.{name}"
