"""How each domain's object type appears in the cross-domain work feed (the home page).

A domain declares, in its descriptor, one `FeedKind` per object type it puts in units' feeds:

    feed_kinds=(FeedKind("alerts.alert", N_("Alert"), cards=cards_of(Alert, feed.alert_card),
                         open_clause=open_when(Alert, Alert.status.not_in(ENDED), Alert.hidden.is_(False)),
                         permission="alerts.read", order=20),)

`cards(session, object_ids, language)` turns a page of object ids into what the feed shows of
each (title, link, a line of detail): `cards_of` reads the page's rows and builds each card with
the domain's `card(row, language)`; the optional `actions(session, principal, object_ids)` gives
the one action the viewer may take on each (e.g. acknowledge a request from across the border);
`open_clause(id_column)` is SQL saying the object still asks for work (a closed request leaves the
home page but stays in the domain's own lists): `open_when` names the conditions on the object's
row. A kind whose card needs more than its own row (another table's column) writes its `cards`
itself. Object types nobody declares are not shown on the home page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

from sqlalchemy import exists, select
from sqlalchemy.orm import Mapped, Session
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.base import ExecutableOption

if TYPE_CHECKING:
    from borderlink.directory.permissions import Principal


@dataclasses.dataclass(frozen=True, slots=True)
class FeedCard:
    """What the home page shows of one object: its title, where to act on it, and one line of
    detail, all in the viewer's language (or as people wrote them)."""

    title: str
    href: str
    detail: str = ""
    # The one action the card offers beside opening it (e.g. "Acknowledge"), as an English
    # message id, and the address its button posts to (with the page's CSRF token).
    action: str | None = None
    action_href: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class FeedAction:
    """The one action a viewer may take on an item from the home page: a button (its English
    message id) posting to `href` with the page's CSRF token."""

    label: str
    href: str


CardsOf = Callable[[Session, Sequence[str], str], Mapping[str, FeedCard]]
ActionsOf = Callable[[Session, "Principal", Sequence[str]], Mapping[str, FeedAction]]
OpenClause = Callable[[ColumnElement[str]], ColumnElement[bool]]


class _Identified(Protocol):
    """A mapped class whose rows are known by a string id, as every object in the feed is."""

    # A class-level descriptor: SQL on the class (`model.id.in_(...)`), the id's value on a row.
    id: ClassVar[Mapped[str]]


Row = TypeVar("Row", bound=_Identified)


def cards_of(model: type[Row], card: Callable[[Row, str], FeedCard], *options: ExecutableOption) -> CardsOf:
    """The cards of a page of `model`'s objects, read in one statement (with loader `options` for
    what the cards show of related rows) and each built by `card(row, language)`; ids no longer in
    the table get no card."""

    def cards(session: Session, ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
        rows = session.scalars(select(model).where(model.id.in_(ids)).options(*options))
        # unique(): an option joining a collection repeats the row once per related row.
        return {row.id: card(row, language) for row in rows.unique()}

    return cards


def open_when(model: type[_Identified], *conditions: ColumnElement[bool]) -> OpenClause:
    """SQL: the feed entry's object is a row of `model` meeting every condition (e.g. in one of its
    open statuses); a row gone from the table is not open."""

    def is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
        return exists().where(model.id == id_column, *conditions)

    return is_open


@dataclasses.dataclass(frozen=True, slots=True)
class FeedKind:
    """An object type in the work feed: its label (English message id, singular), how to show a
    page of its objects, and which of them are still open."""

    object_type: str
    label: str
    cards: CardsOf
    open_clause: OpenClause | None = None
    # Who sees this kind on the home page (everyone whose unit holds the entry when None).
    permission: str | None = None
    order: int = 50
    # The viewer's action on each item, where it depends on who is looking.
    actions: ActionsOf | None = None


def feed_kinds() -> list[FeedKind]:
    """Every domain's feed kinds, in their order."""
    from borderlink import domains  # the descriptors name this module's types

    return sorted((kind for domain in domains.DOMAINS for kind in domain.feed_kinds), key=lambda k: k.order)
