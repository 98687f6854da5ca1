"""An answer's or a message's shape filled from a row: every field the shape has takes the row's
attribute of the same name, so a field added to both needs no mapping line; what is computed or
named differently is given.

An answer about a shared object starts from `ReplicatedOut`, and takes the fields its author writes
from the domain's message contract rather than listing them again:

    class RequestOut(RequestContent, ReplicatedOut):
        sender_unit_code: str
        ...

The contract keeps its own (strict) rules for the messages it parses; the answer reads its fields
leniently from the row, as `ReplicatedOut` configures.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from borderlink.shared.paging import DEFAULT_LIMIT, MAX_LIMIT

M = TypeVar("M", bound=BaseModel)


def same_named(shape: type[BaseModel], source: object, **given: Any) -> dict[str, Any]:
    """The values of `shape`'s fields: `given` first, then `source`'s attributes of those names."""
    taken = {name: getattr(source, name) for name in shape.model_fields if name not in given and hasattr(source, name)}
    return {**taken, **given}


def shaped(shape: type[M], source: object, **given: Any) -> M:
    return shape.model_validate(same_named(shape, source, **given))


class ReplicatedOut(BaseModel):
    """What the answer about every shared object begins with (`replicated.ReplicatedObject`).

    Listed last among an answer's bases so that its configuration wins over a contract's: types
    are lax (a row's enum member or naive datetime is taken as it is), the answer is read-only, and
    a field the contract gives a default is still required in the answer's schema, since every
    answer has it."""

    model_config = ConfigDict(strict=False, frozen=True, json_schema_serialization_defaults_required=True)

    id: str
    owner_party: str


class CursorPage(BaseModel):
    """The cursors of one page of a list's answer; the list's own shape adds its items."""

    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page; null on the last.")
    prev_cursor: str | None = Field(default=None, description="Pass as `cursor` for the page before.")


class ListQuery(BaseModel):
    """A list's filters and paging as one shape, declared once per list: the API reads it from the
    query string (a value it does not take is a 422), the list page leniently (`form_pages.page_query`).
    A list adds its own filters and may change the default `limit`."""

    model_config = ConfigDict(frozen=True)

    q: str | None = Field(default=None, max_length=200, description="Words or a name, in any script.")
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(default=None, max_length=500,
                               description="`next_cursor` (or `prev_cursor`) of the page before.")
