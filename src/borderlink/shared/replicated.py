"""Objects owned by one node and replicated to the other.

The side that creates a shared object owns it: it mints the global id (UUIDv7), and only it changes
the core fields. The other side holds a replica and adds its own *contributions* (replies,
acknowledgements, confirmations, hit reports), which travel back as messages the owner applies.

A domain model mixes in `ReplicatedObject`; its service and its message handlers use the helpers:

    class Alert(ReplicatedObject, Base):
        __tablename__ = "alerts"
        title: Mapped[str] = mapped_column(String(300))

    # service, before changing a core field on this node:
    require_owner(alert, principal.party, "only the issuing side amends an alert")
    record_change(alert, now)

    # message handler, before applying a core change sent by the peer:
    require_sender_is_owner(alert, envelope)
    if not is_newer(alert, body.version): return      # a copy already applied

    # both sides, on a contribution's text (before sending it and before applying it):
    validate_contribution_text([reply.body], "the reply")

Applying a message twice changes nothing: handlers look their rows up by the global id first
(`already_applied`), and versions only move forward (`is_newer`, `accept_version`).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, Session, lazyload, mapped_column

from borderlink.audit.service import CLOCK_INFO
from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.errors import Forbidden, InvalidInput, NotFound
from borderlink.exchange import known_objects, outbox
from borderlink.exchange.registry import InboundEnvelope, Rejected
from borderlink.ids import new_id
from borderlink.safeguards.offences import require_allowed
from borderlink.safeguards.screening import screen
from borderlink.shared.codelists import enum_column
from borderlink.shared.contracts import MessageBody, TimelineStep, to_wire

if TYPE_CHECKING:  # the lifecycle module builds on this one
    from borderlink.shared.lifecycle import Lifecycle

T = TypeVar("T")


class HandlingCode(enum.StrEnum):
    """What the receiving side may do with shared information (the same four codes for every object)."""

    H0 = "H0"  # use for crime prevention only
    H1 = "H1"  # not for court without consent
    H2 = "H2"  # no onward sharing without consent
    H3 = "H3"  # other restrictions, stated with the object


class Side(enum.StrEnum):
    """Which side of a shared object a party stands on."""

    OWNER = "owner"
    REPLICA = "replica"


class ReplicatedObject:
    """Columns every shared object has: global id, owner, handling code, times and version.

    `version` counts the owner's changes to the core fields; a replica keeps the highest version it
    has applied, so a late or repeated copy of an older change is ignored.
    """

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_party: Mapped[str] = mapped_column(String(2))
    handling_code: Mapped[HandlingCode] = mapped_column(enum_column(HandlingCode))
    created_at: Mapped[dt.datetime]
    updated_at: Mapped[dt.datetime]
    version: Mapped[int] = mapped_column(Integer, default=1)
    owner_unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))


class Owned(Protocol):
    """What the helpers need of an object: the mixin's columns (also satisfied by test doubles)."""

    id: str
    owner_party: str
    version: int
    updated_at: dt.datetime


class Paired(Protocol):
    """An object shared between one unit on each side: its owner's unit and that unit's counterpart."""

    owner_party: str
    owner_unit_id: str
    counterpart_unit_id: str
    handling_code: HandlingCode


def local_unit_id(obj: Paired, party: str) -> str:
    """This side's unit on a paired object: the owner's unit where this side owns it, else the counterpart."""
    return obj.owner_unit_id if obj.owner_party == party else obj.counterpart_unit_id


def local_unit_of(session: Session, obj: Paired, party: str) -> Unit:
    return directory.get_unit(session, local_unit_id(obj, party))


def unit_pair(session: Session, obj: Paired, party: str) -> tuple[str, str]:
    """(this side's unit code, the other side's) on a paired object: whom a message about it is between."""
    owner = directory.get_unit(session, obj.owner_unit_id).code
    other = directory.get_unit(session, obj.counterpart_unit_id).code
    return (owner, other) if obj.owner_party == party else (other, owner)


def side_of(obj: Owned, party: str) -> Side:
    return Side.OWNER if obj.owner_party == party else Side.REPLICA


def is_owner(obj: Owned, party: str) -> bool:
    return obj.owner_party == party


def require_owner(obj: Owned, local_party: str, message: str) -> None:
    """Service side: only the owner node changes core fields. Call it before changing them."""
    if obj.owner_party != local_party:
        raise InvalidInput(message)


def require_replica(obj: Owned, local_party: str, message: str) -> None:
    """Service side: a step only the receiving (replica) side takes, such as acknowledging."""
    if obj.owner_party == local_party:
        raise InvalidInput(message)


def require_sender_is_owner(obj: Owned, envelope: InboundEnvelope[Any], what: str = "object") -> None:
    """Message side: a change to core fields is applied only when the owner node sent it."""
    if envelope.sender_party != obj.owner_party:
        raise Rejected(f"only the owner of the {what} may change it; {envelope.sender_party} is not")


def require_sender_on(obj: Owned, envelope: InboundEnvelope[Any], side: Side, step: str) -> None:
    """Message side: the step is one that only the owner, or only the replica side, takes."""
    sender_side = side_of(obj, envelope.sender_party)
    if sender_side is not side:
        raise Rejected(f"{step} is taken by the {side.value} side, and {envelope.sender_party} is the "
                       f"{sender_side.value}")


def record_change(obj: Owned, now: dt.datetime) -> None:
    """The owner changed core fields: the next copy it sends carries a higher version."""
    obj.version = (obj.version or 1) + 1
    obj.updated_at = max(obj.updated_at, now) if obj.updated_at else now


def is_newer(obj: Owned, incoming_version: int) -> bool:
    """Whether a copy of the owner's state is newer than what this replica holds."""
    return incoming_version > (obj.version or 0)


def accept_version(obj: Owned, incoming_version: int) -> bool:
    """Take a newer version number from the owner; returns False (and changes nothing) otherwise."""
    if not is_newer(obj, incoming_version):
        return False
    obj.version = incoming_version
    return True


# A handler reads the object a message is about by its id: its own columns, not the rows its
# relationships would join in (a request joined both its units and their parents). A relationship
# the handler does use is loaded when first touched, from the session when the row is there.
_NOT_EAGER = (lazyload("*"),)


def already_applied(session: Session, model: type[Any], object_id: str) -> bool:
    """Idempotent apply: a row with this global id exists, so the message was applied before.

    Looked up without flushing first: a batch's handlers then leave their rows to one flush for
    the whole batch instead of one each. A row not flushed yet is among the session's new ones; one
    stored before is known from the batch's single look-up (`exchange.known_objects`)."""
    if any(isinstance(pending, model) and pending.id == object_id for pending in session.new):
        return True
    existed = known_objects.existed(session, model, object_id)
    if existed is not None:
        return existed
    with session.no_autoflush:
        return session.get(model, object_id, options=_NOT_EAGER) is not None


def known(session: Session, model: type[T], object_id: str, what: str) -> T:
    """Message side: the object a contribution or change refers to, which this node must hold."""
    found = session.get(model, object_id, options=_NOT_EAGER)
    if found is None:
        raise Rejected(f"unknown {what} {object_id}")
    return found


def named_unit(session: Session, code: str | None) -> Unit:
    """Message side: the unit a peer's message names, which this node's directory must hold (as
    the process's copy of the units has it: every message names one or two)."""
    try:
        return directory.cached_unit_by_code(session, code or "")
    except NotFound as exc:
        raise Rejected(f"unknown unit {code!r}") from exc


def counterpart_pair(session: Session, envelope: InboundEnvelope[Any], sender_code: str | None,
                     recipient_code: str | None) -> tuple[Unit, Unit]:
    """The two units a peer's new object is between: a unit of the sending node and its
    counterpart on ours, or the message is refused."""
    sender, recipient = named_unit(session, sender_code), named_unit(session, recipient_code)
    if sender.party_code != envelope.sender_party or recipient.party_code != envelope.recipient_party:
        raise Rejected("the sending and receiving units do not belong to the two nodes")
    if recipient.id not in {u.id for u in directory.counterparts_of(session, sender.id)}:
        raise Rejected(f"{recipient.code} is not a counterpart of {sender.code}")
    return sender, recipient


def received_time(value: str) -> dt.datetime:
    """A time from a peer's message (ISO 8601); one without a zone is taken as UTC."""
    moment = dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def check_step(session: Session, lifecycle: Lifecycle, owner_party: str, sender_party: str,
               step: TimelineStep) -> None:
    """The sending node may take the step on an object `owner_party` owns, in its own name: its
    side of the object takes that step (by the lifecycle), and the step names the sending node and,
    if any, one of its units."""
    lifecycle.require_side(step.kind, Side.OWNER if owner_party == sender_party else Side.REPLICA)
    if step.party != sender_party:
        raise Rejected(f"a step from {sender_party} cannot be recorded in the name of {step.party}")
    unit_code = step.unit_code
    if unit_code is None:
        return
    try:
        unit_party = directory.party_of_unit_code(session, unit_code)
    except NotFound as exc:
        raise Rejected(f"unknown unit {unit_code!r}") from exc
    if unit_party != sender_party:
        raise Rejected(f"{unit_code} is not a unit of the sending node")


# What the receiving side may not do with a replica without the owning side's consent.
NOT_FOR_COURT = frozenset({HandlingCode.H1, HandlingCode.H3})
NOT_SHARED_ONWARD = frozenset({HandlingCode.H2, HandlingCode.H3})


def require_use(obj: ReplicatedObject, local_party: str, use: str, field: str = "purpose") -> None:
    """Refuse a use of a replica ("court", "onward") that its handling code does not allow without
    the owning side's consent; the owning node may use its own objects as it sees fit."""
    if obj.owner_party == local_party:
        return
    if use == "court" and obj.handling_code in NOT_FOR_COURT:
        raise Forbidden("Handling code %(code)s: not for court without the issuing side's consent.",
                        field=field, code=obj.handling_code.value)
    if use == "onward" and obj.handling_code in NOT_SHARED_ONWARD:
        raise Forbidden("Handling code %(code)s: no onward sharing without the issuing side's consent.",
                        field=field, code=obj.handling_code.value)


def send(session: Session, message: MessageBody, about: ReplicatedObject, *, sender_unit: str | None,
         recipient_unit: str | None, stream: str) -> str:
    """Queue `message` about a shared object for the other side in the caller's transaction, under
    the object's handling code; returns the envelope's id."""
    return outbox.enqueue(session, kind=message.message_kind, body=to_wire(message), sender_unit=sender_unit,
                          recipient_unit=recipient_unit, handling_code=about.handling_code.value, stream=stream)


def send_to_peer(session: Session, message: MessageBody, about: Paired, party: str, *, stream: str) -> str:
    """`send` from this side's unit on a paired object to the other side's unit on it."""
    ours, theirs = unit_pair(session, about, party)
    return outbox.enqueue(session, kind=message.message_kind, body=to_wire(message), sender_unit=ours,
                          recipient_unit=theirs, handling_code=about.handling_code.value, stream=stream)


def now_of(session: Session) -> dt.datetime:
    """The time by the clock of the node whose session this is (handlers and services get only a
    session; tests drive the node's clock)."""
    clock = session.info.get(CLOCK_INFO)
    return clock.now() if clock is not None else dt.datetime.now(dt.UTC)


def touch(obj: Owned, at: dt.datetime) -> None:
    """Something happened on the object (on either side); its activity time only moves forward."""
    obj.updated_at = max(obj.updated_at, at) if obj.updated_at else at


class ScreeningRefused(InvalidInput):
    """Text that may rest on political, religious, military or ethnic grounds."""

    def __init__(self, what: str, grounds: list[str]) -> None:
        super().__init__(f"{what} mentions possible {', '.join(grounds)} grounds; keep to the criminal matter")
        self.grounds = grounds


def flagged_grounds(texts: Iterable[str]) -> list[str]:
    return sorted({flag.ground for flag in screen(list(texts))})


def screening_flags(texts: Iterable[str]) -> list[dict[str, str]]:
    """The neutrality flags of an object's free texts, as it stores them (ground and term); both
    nodes compute them from the same texts, so neither reads less of the object than the other."""
    return [{"ground": flag.ground, "term": flag.term} for flag in screen(list(texts))]


def validate_contribution_text(texts: Iterable[str], what: str) -> None:
    """The one check a contribution's text passes, on the side that writes it (raises
    ScreeningRefused, shown to the user) and on the side that applies it (see `rejecting`)."""
    grounds = flagged_grounds(texts)
    if grounds:
        raise ScreeningRefused(what, grounds)


def rejecting(error: InvalidInput) -> Rejected:
    """A validation failure met while applying a peer's message, as the refusal sent back."""
    return Rejected(str(error))


def check_received_text(texts: Iterable[str], what: str) -> None:
    """`validate_contribution_text` on a peer's message: flagged text refuses the message."""
    try:
        validate_contribution_text(texts, what)
    except ScreeningRefused as refused:
        raise rejecting(refused) from refused


def check_received_offence(code: str) -> None:
    """A peer's object names an offence on this node's allow-list, or the message is refused."""
    try:
        require_allowed(code)
    except InvalidInput as exc:
        raise Rejected(f"offence code {code} is not on this node's allow-list") from exc
