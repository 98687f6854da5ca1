"""Objects made in the running transaction, and what was added to them in it.

An object created by a POST is answered with its timeline, files and replies; reading them back
costs a statement each although this very transaction added every one of them. `created` marks an
object as made in this transaction; the timeline, the attachments and a domain's own children then
keep what they add to it (`keep`), and `kept` answers for it without reading the database.

What is kept belongs to the transaction that kept it: another transaction of the same session
never sees it. An object that is not marked is read from the database as usual (`kept` is None).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from borderlink.db import for_transaction

T = TypeVar("T")

_CREATED = "objects_created_here"


def _memo(session: Session) -> dict[str, dict[str, list[Any]]] | None:
    return for_transaction(session, _CREATED)


def created(session: Session, object_type: str, object_id: str) -> None:
    """The object was made in this transaction: nothing belonging to it exists outside it."""
    objects: dict[str, dict[str, list[Any]]] | None = for_transaction(session, _CREATED, dict)
    if objects is not None:
        objects.setdefault(f"{object_type}:{object_id}", {})


def keep(session: Session, object_type: str, object_id: str, what: str, item: Any) -> None:
    """Note `item` (an ORM row added now) among the object's `what`, if the object is new here."""
    objects = _memo(session)
    if objects is not None and (children := objects.get(f"{object_type}:{object_id}")) is not None:
        children.setdefault(what, []).append(item)


def kept(session: Session, object_type: str, object_id: str, what: str) -> list[Any] | None:
    """The object's `what` added in this transaction, when the object is new here (so they are
    all it has); None for any other object, which is read from the database."""
    objects = _memo(session)
    children = objects.get(f"{object_type}:{object_id}") if objects is not None else None
    if children is None:
        return None
    # A row added in a savepoint that was rolled back has left the session with it.
    return [item for item in children.get(what, ()) if item in session]


def kept_or_read(session: Session, object_type: str, object_id: str, what: str, read: Callable[[], Iterable[T]],
                 order: Callable[[T], Any]) -> list[T]:
    """The object's `what`: those kept in this transaction (in `order`) when the object is new here,
    else what `read` finds in the database (already in that order)."""
    added_here = kept(session, object_type, object_id, what)
    return sorted(added_here, key=order) if added_here is not None else list(read())
