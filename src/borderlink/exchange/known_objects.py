"""Whether the new objects a batch of envelopes announces exist here already, looked up once per
object type for the whole batch instead of once per envelope.

A message kind that makes a new object (its body's `id` is the object's global id) is declared
with `creates`. Before the batch's handlers run, the inbox looks all of the batch's ids up at once
(`look_up_batch`); a handler's idempotency check (`shared.replicated.already_applied`) then asks
`existed` and reads the database only for an id the batch did not name. The answer holds for the
transaction that looked it up: a batch adds objects but never removes one.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.db import for_transaction
from borderlink.shared.contracts import MessageBody

_INFO = "objects_looked_up"
_CHUNK = 500  # ids per statement
_created: dict[str, type[Any]] = {}
_lock = threading.Lock()


def creates(contract: type[MessageBody], model: type[Any]) -> None:
    """Messages of the contract's kind make a new `model` row whose id is the body's `id`."""
    with _lock:
        existing = _created.get(contract.message_kind)
        if existing is not None and existing is not model:
            raise ValueError(f"{contract.message_kind!r} already makes {existing.__name__} objects")
        _created[contract.message_kind] = model


def look_up_batch(session: Session, items: Iterable[Any]) -> None:
    """Look up, one statement per type, the objects that the batch's (unchecked) envelopes say they
    make; an item that is not well-formed is simply not looked up."""
    wanted: dict[type[Any], set[str]] = {}
    for item in items:
        fields = item.get("envelope") if isinstance(item, dict) else None
        body = fields.get("body") if isinstance(fields, dict) else None
        kind = fields.get("kind") if isinstance(fields, dict) else None
        object_id = body.get("id") if isinstance(body, dict) else None
        model = _created.get(kind) if isinstance(kind, str) else None
        if model is not None and isinstance(object_id, str):
            wanted.setdefault(model, set()).add(object_id)
    by_model: dict[type[Any], tuple[set[str], set[str]]] | None = (
        for_transaction(session, _INFO, dict) if wanted else None)
    if by_model is None:
        return
    with session.no_autoflush:
        for model, ids in wanted.items():
            ordered = sorted(ids)
            found: set[str] = set()
            for start in range(0, len(ordered), _CHUNK):
                found.update(session.scalars(select(model.id).where(model.id.in_(ordered[start:start + _CHUNK]))))
            by_model[model] = (ids, found)


def existed(session: Session, model: type[Any], object_id: str) -> bool | None:
    """Whether the object was stored before this transaction's batch began; None when the batch
    did not name it (the caller reads the database)."""
    by_model: dict[type[Any], tuple[set[str], set[str]]] | None = for_transaction(session, _INFO)
    looked_up = by_model.get(model) if by_model is not None else None
    if looked_up is None or object_id not in looked_up[0]:
        return None
    return object_id in looked_up[1]
