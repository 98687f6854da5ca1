"""Who sees which alert, decided in SQL.

On the issuing node an alert is seen by every holder of `alerts.read` once it is published; a
draft or an alert under review only by the issuing unit's chain (its unit and the units above
it cover it) and by the central reviewers. On the receiving node a replica is seen only by the
units its distribution names: every unit (`all`), the provincial and central units
(`provincial_and_central`), or the listed border gates and the units above them (`units`). A
replica the owner hid during an operation is seen by no one on the receiving node.

Anything else does not exist for the reader: a single alert answers 404 exactly as an unknown id.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, exists, false, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session, load_only
from sqlalchemy.sql import ColumnElement

from borderlink.alerts.models import PUBLISHED, Alert, AlertRecipient, Distribution, Status
from borderlink.directory.models import Tier, Unit
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import NotFound
from borderlink.shared import scoping
from borderlink.shared.forms import N_
from borderlink.shared.workfeed import ObjectRef

NOT_FOUND = N_("There is no such alert, or you may not see it.")


def own_side_clause(party: str, scope_unit_ids: frozenset[str], reviews: bool) -> ColumnElement[bool]:
    published = Alert.status.in_([s.value for s in PUBLISHED])
    issuing_chain = Alert.owner_unit_id.in_(scope_unit_ids)
    reviewing = (Alert.status == Status.UNDER_REVIEW) if reviews else false()
    return and_(Alert.owner_party == party, or_(published, issuing_chain, reviewing))


def replica_clause(party: str, tier: Tier, scope_unit_ids: frozenset[str]) -> ColumnElement[bool]:
    senior = tier in (Tier.CENTRAL, Tier.PROVINCIAL)
    listed = exists(
        select(AlertRecipient.alert_id)
        .join(Unit, Unit.code == AlertRecipient.unit_code)
        .where(AlertRecipient.alert_id == Alert.id, Unit.id.in_(scope_unit_ids)))
    return and_(
        Alert.owner_party != party,
        Alert.hidden.is_(False),
        or_(Alert.distribution == Distribution.ALL,
            and_(Alert.distribution == Distribution.PROVINCIAL_AND_CENTRAL, true() if senior else false()),
            and_(Alert.distribution == Distribution.UNITS, listed)),
    )


def visible_clause(principal: Principal) -> ColumnElement[bool]:
    if not principal.can(Permission.ALERTS_READ):
        return false()
    return _visible_clause(principal.party, principal.unit_tier, principal.scope_unit_ids,
                           principal.can(Permission.ALERTS_REVIEW))


@functools.lru_cache(maxsize=512)
def _visible_clause(party: str, tier: Tier, scope_unit_ids: frozenset[str], reviews: bool) -> ColumnElement[bool]:
    # Built once per kind of reader: a gate's screening asks it of every crossing's hits, and
    # building it cost more than running it. It depends on nothing else.
    return or_(own_side_clause(party, scope_unit_ids, reviews), replica_clause(party, tier, scope_unit_ids))


def visible_alert(session: Session, principal: Principal, alert_id: str, *, audit: bool = True) -> Alert:
    """The alert if the principal may read it, else NotFound; a person alert is audited as read."""
    found = session.scalar(select(Alert).where(Alert.id == alert_id, visible_clause(principal)))
    if found is None:
        raise NotFound(NOT_FOUND)
    if audit and found.names_person:
        scoping.record_person_read(session, principal, "alerts.alert", found.id)
    return found


def visible_ids(session: Session, principal: Principal, alert_ids: list[str],
                columns: Sequence[InstrumentedAttribute[Any]] = ()) -> dict[str, Alert]:
    """The alerts among `alert_ids` the principal may read (for screening hits); with `columns`,
    only those are loaded (the others load when first read)."""
    if not alert_ids:
        return {}
    query = select(Alert).where(Alert.id.in_(alert_ids), visible_clause(principal))
    if columns:
        query = query.options(load_only(*columns))
    return {alert.id: alert for alert in session.scalars(query)}


def alert_ref(alert_id: str) -> ObjectRef:
    """How other domains refer to an alert (work feed, links from cases and hits)."""
    return ObjectRef("alerts.alert", alert_id)
