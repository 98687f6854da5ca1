"""How each domain's object type appears in the cross-domain work feed (the home page).

A domain declares, in its descriptor, one `FeedKind` per object type it puts in units' feeds:

    feed_kinds=(FeedKind("alerts.alert", N_("Alert"), cards=feed.alert_cards,
                         open_clause=feed.alert_is_open, permission="alerts.read", order=20),)

`cards(session, object_ids, language)` turns a page of object ids into what the feed shows of
each (title, link, a line of detail); the optional `actions(session, principal, object_ids)` gives
the one action the viewer may take on each (e.g. acknowledge a request from across the border);
`open_clause(id_column)` is SQL saying the object still asks for work (a closed request leaves the
home page but stays in the domain's own lists). Object types nobody declares are not shown on the
home page.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

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
