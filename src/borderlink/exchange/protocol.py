"""JSON Schemas of the federation protocol: the envelope, the receipt and every registered kind.

The envelope and receipt schemas state what `envelope.py` checks; the body schemas come from the
kinds' contracts, so they cannot drift from what the inbox validates. docs/protocol.md explains them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from borderlink.exchange.envelope import (
    FORMAT_VERSION,
    HANDLING_CODES,
    KIND_PATTERN,
    MAX_KIND,
    MAX_STREAM,
    MAX_UNIT,
    PARTIES,
    RECEIPT_STATUSES,
)
from borderlink.shared.contracts import CONTRACTS, UUID_REGEX, ContractRegistry

DIALECT = "https://json-schema.org/draft/2020-12/schema"
BASE_ID = "https://borderlink.example/protocol/v1/"
TIMESTAMP = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$",
             "description": "UTC, millisecond precision, Z suffix"}
UUID = {"type": "string", "pattern": UUID_REGEX}
SIGNED_BY = {"key_id": {"type": "string", "pattern": "^[0-9a-f]{16}$"},
             "signature": {"type": "string", "maxLength": 200,
                           "description": "base64 Ed25519 signature of the RFC 8785 canonical fields"}}


def _unit() -> dict[str, Any]:
    return {"type": ["string", "null"], "minLength": 1, "maxLength": MAX_UNIT}


def envelope_schema() -> dict[str, Any]:
    fields = {
        "v": {"const": FORMAT_VERSION},
        "id": UUID,
        "sender_party": {"enum": list(PARTIES)},
        "recipient_party": {"enum": list(PARTIES)},
        "sender_unit": _unit(),
        "recipient_unit": _unit(),
        "kind": {"type": "string", "maxLength": MAX_KIND, "pattern": KIND_PATTERN.pattern},
        "handling_code": {"enum": list(HANDLING_CODES)},
        "created_at": TIMESTAMP,
        "stream": {"type": "string", "minLength": 1, "maxLength": MAX_STREAM},
        "seq": {"type": "integer", "minimum": 1},
        "body": {"type": "object", "description": "validated by the schema of the envelope's kind"},
    }
    return _signed("envelope", "A signed envelope as sent on the wire.", fields)


def receipt_schema() -> dict[str, Any]:
    fields = {
        "v": {"const": FORMAT_VERSION},
        "envelope_id": UUID,
        "content_hash": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "status": {"enum": list(RECEIPT_STATUSES)},
        "reason": {"type": ["string", "null"]},
        "receiver_party": {"enum": list(PARTIES)},
        "received_at": TIMESTAMP,
    }
    return _signed("receipt", "The receiver's signed answer for one envelope.", fields)


def _signed(name: str, title: str, fields: dict[str, Any]) -> dict[str, Any]:
    return {
        "$schema": DIALECT, "$id": f"{BASE_ID}{name}.json", "title": title, "type": "object",
        "required": [name, "key_id", "signature"], "additionalProperties": False,
        "properties": {
            name: {"type": "object", "required": sorted(fields), "additionalProperties": False,
                   "properties": fields},
            **SIGNED_BY,
        },
    }


def body_schemas(registry: ContractRegistry = CONTRACTS) -> dict[str, dict[str, Any]]:
    """One schema per kind and version, by file stem (`hotline.request.v1`)."""
    schemas = {}
    for contract in registry:
        schema = contract.model.model_json_schema(mode="validation")
        version_member: dict[str, Any] = {"const": contract.version}
        if contract.version == 1:
            version_member["description"] = "omitted for version 1"
        else:
            schema.setdefault("required", []).append("v")
        schema.setdefault("properties", {})["v"] = version_member
        schemas[contract.schema_name] = {
            **schema, "$schema": DIALECT, "$id": f"{BASE_ID}{contract.schema_name}.json",
            "title": f"{contract.kind} version {contract.version}",
            "description": (contract.model.__doc__ or "").strip(),
        }
    return schemas


def all_schemas(registry: ContractRegistry = CONTRACTS) -> dict[str, dict[str, Any]]:
    return {"envelope": envelope_schema(), "receipt": receipt_schema(), **body_schemas(registry)}


def write_schemas(out: Path, registry: ContractRegistry = CONTRACTS) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in all_schemas(registry).items():
        path = out / f"{name}.json"
        path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written
