"""Who may see what, decided in SQL.

An object is visible to a principal when it is in the work feed of one of the units the principal
covers (their unit and the units below it: `Principal.scope_unit_ids`). Single objects are fetched
with `get_visible` (through their type's `objectkinds.ObjectKind`), which answers NotFound for
an object that exists but is hidden, exactly as for one that does not exist: an outsider learns
nothing, not even that the id is in use. Lists add `visible_clause` to their query, so hidden rows
never leave the database.

Reads of person records are audited here, whichever route returns them: `get_visible` records the
read when the object names a person, once per object per transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from borderlink.audit import service as audit
from borderlink.directory.permissions import Principal
from borderlink.errors import NotFound
from borderlink.shared import workfeed

T = TypeVar("T")
_AUDITED_INFO = "person_reads_audited"


def scope_units(principal: Principal, *, include_below: bool = True) -> frozenset[str]:
    """The units whose feeds the principal reads: their own, and with `include_below` the units
    under it."""
    return principal.scope_unit_ids if include_below else frozenset({principal.unit_id})


def visible_clause(object_type: str, id_column: ColumnElement[str],
                   unit_ids: Collection[str]) -> ColumnElement[bool]:
    """SQL condition: the row's object is in the feed of one of the units."""
    return workfeed.held_by_units(object_type, id_column, unit_ids)


def get_visible(session: Session, principal: Principal, model: type[T], object_type: str, object_id: str, *,
                permission: str, names_person: Callable[[T], bool] | None = None,
                not_found: str = "no such object") -> T:
    """The object if the principal may read it, else NotFound (never Forbidden: a hidden object
    does not exist for them). A returned object that names a person is audited as read."""
    if not principal.can(permission):
        raise NotFound(not_found)
    id_column: Any = getattr(model, "id")  # noqa: B009 - any mapped class with an `id` key column
    found = session.scalar(select(model).where(
        id_column == object_id, visible_clause(object_type, id_column, principal.scope_unit_ids)))
    if found is None:
        raise NotFound(not_found)
    if names_person is not None and names_person(found):
        record_person_read(session, principal, object_type, object_id)
    return found


def record_person_read(session: Session, principal: Principal, object_type: str, object_id: str) -> None:
    """Audit that a person record was returned to the principal; one audit row per object and
    transaction, however many steps of one request fetched it."""
    done: set[tuple[str, str, str]] = session.info.setdefault(_AUDITED_INFO, set())
    marker = (principal.user_id, object_type, object_id)
    if marker in done:
        return
    done.add(marker)
    audit.record_read(session, _audit_table(object_type), object_id, detail=f"read by {principal.label}")


def _audit_table(object_type: str) -> str:
    """Audit rows name the object's table, as the write audit does (`hotline.request` →
    `hotline_requests`)."""
    return object_type.replace(".", "_") + "s"
