"""Alerts as a domain: shared notices on persons, documents and vehicles, and the live screening index."""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session

from borderlink.alerts import (
    api,
    cli,
    codes,
    demo,
    expiry,
    feed,
    gate_screen,
    live_index,
    messages,
    models,
    pages,
    printed,
    service,
)
from borderlink.alerts.contracts import AlertFlagged, AlertPublished, AlertPurged, AlertUpdated, AlertWithdrawn
from borderlink.alerts.models import ENDED, TIMELINE, Alert
from borderlink.directory import service as directory
from borderlink.directory.models import Role
from borderlink.directory.permissions import Permission, Principal
from borderlink.node import Node
from borderlink.shared.attachments import Attachable, StoredFile, seen_with
from borderlink.shared.descriptor import Domain, NavEntry
from borderlink.shared.feedkinds import FeedKind, cards_of, open_when
from borderlink.shared.forms import N_
from borderlink.shared.namesearch import NamedRecord
from borderlink.shared.refusals import ShowRefusal

_READ = frozenset({Permission.ALERTS_READ})
_CHECK = _READ | {Permission.ALERTS_SCREEN}
_ISSUE = _CHECK | {Permission.ALERTS_ISSUE}


def _serve_index(node: Node) -> None:
    live_index.register_serving(node.engine, node.party, node.settings.effective_database_url,
                                node.session_factory, node.settings.node_dir)
    gate_screen.install()


async def _open_index(node: Node) -> None:
    """Open (or build) the screening index as the node starts, so the first check need not wait."""
    screening = live_index.registered(node.engine)
    if screening is None:
        screening = live_index.register_serving(node.engine, node.party, node.settings.effective_database_url,
                                                node.session_factory, node.settings.node_dir)
    try:
        await asyncio.to_thread(screening.follow)
        await asyncio.Event().wait()  # keep following until the node stops
    finally:
        screening.close()


def _photo_added(session: Session, principal: Principal, stored: StoredFile) -> None:
    pages.photo_added(session, principal, stored)
    service.photos_changed(session, principal, stored.object_id, service.now_of_session(session))


def _unit_on_alert(session: Session, alert: Alert, body: object, _party: str) -> str:
    """A refused flag goes back to the unit that raised it; anything else to the alert's owner unit."""
    if isinstance(body, AlertFlagged):
        return directory.get_unit_by_code(session, body.unit_code).id
    return alert.owner_unit_id


# A message the other side refused shows on its alert and brings it back into our unit's feed.
_REFUSED = ShowRefusal(Alert, TIMELINE, unit_of=_unit_on_alert, object_id=lambda body: body.alert_id)
_REFUSED_CONTENT = _REFUSED.about(lambda body: body.alert.id)

DOMAIN = Domain(
    name="alerts",
    models=(models,),
    api_routers=(api.router,),
    page_routers=(pages.router, pages.screening_router, printed.router),
    templates=True,
    cli=cli.register,
    # An alert's photos are seen with the alert; they bear the person's data when it does.
    attachables=(Attachable(models.OBJECT_TYPE, open_object=seen_with(service.get_alert, lambda a: a.names_person),
                            add_permission=Permission.ALERTS_ISSUE,
                            on_added=_photo_added),),
    navigation=(NavEntry("Alerts", "/alerts", permission=Permission.ALERTS_READ, order=20),
                NavEntry("Check a person", "/screening/check", permission=Permission.ALERTS_SCREEN, order=21)),
    message_handlers={
        AlertPublished: messages.apply_published,
        AlertUpdated: messages.apply_updated,
        AlertWithdrawn: messages.apply_withdrawn,
        AlertPurged: messages.apply_purged,
        AlertFlagged: messages.apply_flagged,
    },
    refusal_hooks={AlertPublished: _REFUSED_CONTENT, AlertUpdated: _REFUSED_CONTENT, AlertWithdrawn: _REFUSED,
                   AlertPurged: _REFUSED, AlertFlagged: _REFUSED},
    background_tasks=(expiry.validity_loop, _open_index),
    node_setup=_serve_index,
    code_lists=codes.CODE_LISTS,
    permission_grants={
        Role.ADMIN: frozenset({Permission.ALERTS_READ, Permission.ALERTS_CONFIGURE}),
        Role.COMMANDER: _ISSUE,
        Role.OFFICER: _CHECK,
        Role.ANALYST: _ISSUE | {Permission.ALERTS_REVIEW},
        Role.VIEWER: _READ,
    },
    demo_seed=demo.seed_demo,
    named_records=(NamedRecord(Alert, models.OBJECT_TYPE, ("person",),
                               lambda values: (values["person"] or {}).get("names") or ()),),
    # An alert asks for work until it ends or its owner hides it.
    feed_kinds=(FeedKind(models.OBJECT_TYPE, N_("Alert"), cards=cards_of(Alert, feed.alert_card),
                         open_clause=open_when(Alert, Alert.status.not_in(ENDED), Alert.hidden.is_(False)),
                         permission=Permission.ALERTS_READ, order=20),),
)
