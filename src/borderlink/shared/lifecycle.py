"""Declarative lifecycles: which event moves an object from which state to which, taken by which
side (owner or replica) with which permission.

A domain writes its table once:

    ALERT_LIFECYCLE = Lifecycle("alert", precedence=("draft", "issued", "confirmed", "withdrawn"), transitions=(
        Transition("issued", sources=("draft",), target="issued", side=Side.OWNER, permission="alerts.issue"),
        Transition("confirmed", sources=("issued",), target="confirmed", side=Side.REPLICA),
        ...
    ))

and uses it on both nodes:

- the service asks `lifecycle.require(state, event, side=..., can=principal.can)` before a local
  step: a wrong state, side or permission is refused with a readable error;
- a message handler asks `lifecycle.require_side(event, sender_side)` (the peer may only take the
  steps of its own side) and then `lifecycle.advance(state, event)`.

Events from two nodes can arrive in any order (an acknowledgement before the delivery notice, a
close before the answer). So the state is never "the last event's target": it is the target of
highest precedence among the events seen, and `advance` only moves forward. `state_from(events)`
derives the same state from a set of events, whatever their order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from borderlink.errors import Forbidden, InvalidInput
from borderlink.exchange.registry import Rejected
from borderlink.shared.replicated import Side, touch
from borderlink.shared.timeline import Detail, NewStep, Timeline, TimelineEvent

INITIAL = ""  # the source state of an object's first event


@dataclasses.dataclass(frozen=True, slots=True)
class Transition:
    """One row of a transition table.

    `target` None records the event without changing the state (an escalation, a share).
    `side` None means either side may take it. `permission` None means no user acts (a system step
    such as delivery), so only the table's side rule applies.
    """

    event: str
    sources: tuple[str, ...]
    target: str | None
    side: Side | None = None
    permission: str | None = None


class Lifecycle:
    """The transition table of one object type, with its states ordered by precedence."""

    def __init__(self, name: str, *, precedence: Sequence[str], transitions: Iterable[Transition]) -> None:
        self.name = name
        self.precedence = tuple(precedence)
        self._rank = {state: rank for rank, state in enumerate(self.precedence)}
        self._transitions: dict[str, Transition] = {}
        for transition in transitions:
            if transition.event in self._transitions:
                raise ValueError(f"{name}: event {transition.event!r} appears twice")
            for state in (*transition.sources, transition.target):
                if state not in (None, INITIAL) and state not in self._rank:
                    raise ValueError(f"{name}: state {state!r} of {transition.event!r} has no precedence")
            self._transitions[transition.event] = transition

    @property
    def events(self) -> tuple[str, ...]:
        return tuple(self._transitions)

    def transition(self, event: str) -> Transition:
        try:
            return self._transitions[event]
        except KeyError:
            raise InvalidInput(f"{self.name}: {event!r} is not a step of its lifecycle") from None

    def knows(self, event: str) -> bool:
        return event in self._transitions

    def allowed(self, state: str, event: str) -> bool:
        return self.knows(event) and state in self.transition(event).sources

    def require(self, state: str, event: str, *, side: Side, can: Callable[[str], bool],
                wrong_state: str | None = None, wrong_side: str | None = None,
                no_permission: str | None = None) -> Transition:
        """Check a step taken on this node; the messages let a domain keep its own wording."""
        transition = self.transition(event)
        if transition.permission is not None and not can(transition.permission):
            raise Forbidden(no_permission or f"your role may not take the step {event!r}")
        if transition.side is not None and transition.side is not side:
            raise InvalidInput(wrong_side or f"the {transition.side.value} side takes the step {event!r}")
        if state not in transition.sources:
            raise InvalidInput(wrong_state or f"the {self.name} is {state}; {event!r} is not possible now")
        return transition

    def require_side(self, event: str, sender_side: Side) -> Transition:
        """Check a step a peer node reports: it must be a known step of the sender's own side."""
        if not self.knows(event):
            raise Rejected(f"{event!r} is not a step of a {self.name}")
        transition = self._transitions[event]
        if transition.side is not None and transition.side is not sender_side:
            raise Rejected(f"{event!r} on a {self.name} is taken by the {transition.side.value} side, "
                           f"not the {sender_side.value}")
        return transition

    def rank(self, state: str) -> int:
        return self._rank.get(state, -1)

    def advance(self, state: str, event: str) -> str:
        """The state after seeing `event`: its target if that ranks higher, else unchanged."""
        transition = self._transitions.get(event)
        if transition is None or transition.target is None:
            return state
        return transition.target if self.rank(transition.target) > self.rank(state) else state

    def state_from(self, events: Iterable[str], initial: str = INITIAL) -> str:
        """The state a set of events leads to, independent of the order they arrived in."""
        state = initial
        for event in events:
            state = self.advance(state, event)
        return state


@dataclasses.dataclass(frozen=True)
class Steps:
    """How a domain records a step on one of its objects, on both nodes: once per event id on its
    timeline; its `status` advanced by the lifecycle (only ever forward, so steps may arrive in any
    order), as `state` (the status enum); the first time of each step named in `times`
    (``{"sent": "sent_at"}``) kept; and the object's activity time moved on.

        add_event = Steps(TIMELINE, LIFECYCLE, Status, times={"sent": "sent_at"}).record
    """

    timeline: Timeline
    lifecycle: Lifecycle | None = None
    state: Callable[[str], Any] = str
    times: Mapping[str, str] = dataclasses.field(default_factory=dict)

    def record(self, session: Any, obj: Any, kind: str, at: dt.datetime, party: str, unit_code: str | None,
               detail: Detail | None = None, event_id: str | None = None, *,
               unrecorded: bool = False) -> TimelineEvent | None:
        """The step, or None when an event with this id is recorded already (a repeated message)."""
        event = self.timeline.record(session, obj.id, kind, at, party, unit_code, detail, event_id,
                                     unrecorded=unrecorded)
        if event is None:
            return None
        self._took(obj, kind, at)
        return event

    def record_new(self, session: Any, steps: Sequence[tuple[Any, NewStep]]) -> None:
        """`record` for steps of objects made in this transaction, written together
        (`Timeline.record_new`)."""
        self.timeline.record_new(session, [step for _, step in steps])
        for obj, step in steps:
            self._took(obj, step.kind, step.at)

    def _took(self, obj: Any, kind: str, at: dt.datetime) -> None:
        field = self.times.get(kind)
        if field is not None and getattr(obj, field) is None:
            setattr(obj, field, at)
        if self.lifecycle is not None:
            obj.status = self.state(self.lifecycle.advance(obj.status, kind))
        touch(obj, at)

    def received(self, session: Any, obj: Any, event: Any) -> TimelineEvent | None:
        """A step the other side took, as its message carries it (a `TimelineStep`: its id, time,
        side, unit and detail); None when it was recorded before."""
        return self.record(session, obj, event.kind, event.at, event.party, event.unit_code,
                           self.timeline.detail_from_payload(event.kind, event.model_dump()), event.id)
