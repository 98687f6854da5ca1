"""One timeline for every shared object: typed event kinds, details stored as a message id and its
parameters (never as English text), rendered in each viewer's own language.

A domain declares its kinds once:

    TIMELINE = Timeline("alerts.alert", kinds=(
        EventKind("issued"),
        EventKind("confirmed"),
        EventKind("extended", N_("valid until %(until)s")),
        EventKind("refused", N_("refused on %(grounds)s grounds"), coded_params={"grounds": "safeguards.ground"}),
    ))

and records steps with `TIMELINE.record(session, alert.id, "extended", now, party, unit_code,
TIMELINE.detail("extended", until="2027-01-31"))`. An event keeps its id across the border, so
recording it twice (a repeated message) changes nothing. `TIMELINE.render(event, language)` shows
the detail translated: "level 1: …" reaches a Chinese page in Chinese. Free text that people wrote
(a supervisor's note) is kept as text and shown as written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, cast

from pydantic import BaseModel, Field
from sqlalchemy import JSON, Index, String, Table, insert, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from borderlink.audit import service as audit
from borderlink.db import Base
from borderlink.ids import new_id
from borderlink.shared import new_objects

Translate = Callable[..., str]
CodeLabel = Callable[[str, str], str]  # (code list name, value) -> label in the viewer's language
TEXT_PARAM = "text"  # the parameter of a detail that is free text, not a message


def N_(message: str) -> str:  # noqa: N802 - the gettext marker the message extractor looks for
    """Marks an English message id for the catalogs; translated later, when shown."""
    return message


def _english(message: str, **values: object) -> str:
    return message % values if values else message


class TimelineEvent(Base):
    """One step in the life of a shared object, identical on both sides (same id, same time)."""

    __tablename__ = "timeline_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[dt.datetime]
    party: Mapped[str] = mapped_column(String(2))
    unit_code: Mapped[str | None] = mapped_column(String(80), default=None)
    message: Mapped[str | None] = mapped_column(String(300), default=None)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_timeline_events_object", "object_type", "object_id", "at"),)


@dataclasses.dataclass(frozen=True, slots=True)
class Detail:
    """What an event says beyond its kind: a message id with parameters, or free text."""

    message: str | None
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    @classmethod
    def text(cls, text: str) -> Detail:
        """Words a person wrote (a name, a note): shown as written, in every language."""
        return cls(None, {TEXT_PARAM: text})


@dataclasses.dataclass(frozen=True, slots=True)
class EventKind:
    """A kind of event; `message` is the detail's message id when the kind has one.

    `coded_params` names the parameters that hold codes of a code list (a ground, a status), by
    that list's name: each code is shown by its label; a list of codes is shown joined."""

    name: str
    message: str | None = None
    coded_params: Mapping[str, str] = dataclasses.field(default_factory=dict)


class EventLike(Protocol):
    """What rendering a step and its wire form read: a `TimelineEvent`, or a `NewStep` not yet written."""

    @property
    def id(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def at(self) -> dt.datetime: ...
    @property
    def party(self) -> str: ...
    @property
    def unit_code(self) -> str | None: ...
    @property
    def message(self) -> str | None: ...
    @property
    def params(self) -> Mapping[str, Any]: ...


@dataclasses.dataclass(frozen=True, slots=True)
class NewStep:
    """A first step of an object made in this transaction, written with others by `Timeline.record_new`."""

    id: str
    object_id: str
    kind: str
    at: dt.datetime
    party: str
    unit_code: str | None
    message: str | None
    params: Mapping[str, Any]


def _code_value(_list_name: str, value: str) -> str:
    return value


def render_detail(event: EventLike, translate: Translate = _english, code_label: CodeLabel = _code_value,
                  kinds: Mapping[str, EventKind] | None = None) -> str | None:
    """The detail of `event` in the language of `translate` (English source text by default)."""
    params = dict(event.params or {})
    if event.message is None:
        text = params.get(TEXT_PARAM)
        return None if text is None else str(text)
    kind = (kinds or {}).get(event.kind)
    for name, list_name in (kind.coded_params.items() if kind else ()):
        value = params.get(name)
        values = value if isinstance(value, list) else [value]
        params[name] = ", ".join(code_label(list_name, str(v)) for v in values if v is not None)
    try:
        return translate(event.message, **params)
    except (KeyError, TypeError, ValueError):  # parameters that do not fit the message
        return event.message


_KEPT = "timeline"


class EventOut(BaseModel):
    """One step of an object's timeline as the API and the pages show it (`Timeline.out`)."""

    id: str
    kind: str
    at: dt.datetime
    party: str
    unit_code: str | None
    detail: str | None = Field(description="The detail in English (on pages: in the viewer's language).")
    message: str | None = Field(default=None, description="The detail's message id, for translation.")
    params: dict[str, Any] = Field(default_factory=dict, description="The parameters of `message`.")


class Timeline:
    """The timeline of one object type: its kinds, recording, listing and the wire form."""

    def __init__(self, object_type: str, kinds: Iterable[EventKind]) -> None:
        self.object_type = object_type
        self.kinds = {kind.name: kind for kind in kinds}

    def kind(self, name: str) -> EventKind:
        try:
            return self.kinds[name]
        except KeyError:
            raise ValueError(f"{self.object_type}: {name!r} is not one of its event kinds") from None

    def detail(self, kind: str, **params: Any) -> Detail:
        """The detail of a kind that has a message, with its parameters."""
        message = self.kind(kind).message
        if message is None:
            raise ValueError(f"{self.object_type}: events {kind!r} carry no message")
        return Detail(message, params)

    def record(self, session: Session, object_id: str, kind: str, at: dt.datetime, party: str,
               unit_code: str | None, detail: Detail | None = None,
               event_id: str | None = None, *, unrecorded: bool = False) -> TimelineEvent | None:
        """Record a step once; None when an event with this id is already there. `unrecorded`: the
        caller knows from the object's own state that it is not, and nothing is read to check."""
        self.kind(kind)
        if event_id is None:
            event_id = new_id()  # minted here, so not recorded before
        elif unrecorded:
            pass
        elif (added_here := new_objects.kept(session, self.object_type, object_id, _KEPT)) is not None:
            # An object made in this transaction has no steps but those added to it here.
            if any(event.id == event_id for event in added_here):
                return None
        elif session.get(TimelineEvent, event_id) is not None:
            return None
        event = TimelineEvent(id=event_id, object_type=self.object_type, object_id=object_id, kind=kind,
                              at=at, party=party, unit_code=unit_code, message=detail.message if detail else None,
                              params=dict(detail.params) if detail else {})
        session.add(event)
        new_objects.keep(session, self.object_type, object_id, _KEPT, event)
        return event

    def new_step(self, object_id: str, kind: str, at: dt.datetime, party: str, unit_code: str | None,
                 detail: Detail | None = None) -> NewStep:
        """A step of an object made in this transaction, to be written by `record_new`."""
        self.kind(kind)
        return NewStep(new_id(), object_id, kind, at, party, unit_code, detail.message if detail else None,
                       dict(detail.params) if detail else {})

    def record_new(self, session: Session, steps: Sequence[NewStep]) -> None:
        """Write the steps of objects made in this transaction (a batch's hits) in one insert,
        without an ORM object each, audited as a flush audits the steps `record` adds. Their ids are
        minted, so none was recorded before. Meant for objects whose steps this transaction does
        not keep (`new_objects`): a kept object would not see these."""
        if not steps:
            return
        for step in steps:
            if new_objects.kept(session, self.object_type, step.object_id, _KEPT) is not None:
                raise ValueError(f"{self.object_type}:{step.object_id} keeps its steps in this transaction; use record")
        rows: list[dict[str, Any]] = [{
            "id": step.id, "object_type": self.object_type, "object_id": step.object_id, "kind": step.kind,
            "at": step.at, "party": step.party, "unit_code": step.unit_code, "message": step.message,
            "params": dict(step.params)} for step in steps]
        session.execute(insert(cast(Table, TimelineEvent.__table__)), rows)
        audit.record_inserted(session, TimelineEvent, rows)

    def events(self, session: Session, object_id: str) -> list[TimelineEvent]:
        """The steps in the order they happened, whatever order they were recorded in."""
        return new_objects.kept_or_read(session, self.object_type, object_id, _KEPT, lambda: session.scalars(
            select(TimelineEvent)
            .where(TimelineEvent.object_type == self.object_type, TimelineEvent.object_id == object_id)
            .order_by(TimelineEvent.at, TimelineEvent.id)), order=lambda e: (e.at, e.id))

    def out(self, session: Session, object_id: str, language: str | None = None) -> list[EventOut]:
        """The object's steps as the API shows them: details in English unless a `language` is
        given (pages give the viewer's)."""
        return [EventOut(id=e.id, kind=e.kind, at=e.at, party=e.party, unit_code=e.unit_code,
                         detail=self.render(e, language), message=e.message, params=e.params or {})
                for e in self.events(session, object_id)]

    def render(self, event: EventLike, language: str | None = None) -> str | None:
        """The detail in `language`; without one, the English source text (the API's form)."""
        if language is None:
            return render_detail(event, kinds=self.kinds)
        from borderlink import domains  # the domains build on this module
        from borderlink.web.i18n import translator

        lists = domains.code_lists()

        def label(list_name: str, value: str) -> str:
            return lists[list_name].label(value, language) if list_name in lists else value

        return render_detail(event, translator(language), label, self.kinds)

    def payload(self, event: EventLike) -> dict[str, Any]:
        """The wire form: the detail in English for readers that do not translate, and its
        message id and parameters for those that do."""
        return {"id": event.id, "kind": event.kind, "at": event.at.isoformat(), "party": event.party,
                "unit_code": event.unit_code, "detail": self.render(event), "message": event.message,
                "params": dict(event.params or {})}

    def detail_from_payload(self, kind: str, payload: Mapping[str, Any]) -> Detail | None:
        """The detail of a received event. Only the message its kind declares is taken as a message
        (a peer does not choose the texts this node formats); anything else is kept as text."""
        message = payload.get("message")
        params = payload.get("params")
        declared = self.kinds[kind].message if kind in self.kinds else None
        if message is not None and message == declared and isinstance(params, dict):
            return Detail(declared, params)
        text = payload.get("detail")
        return None if text is None else Detail.text(str(text))
