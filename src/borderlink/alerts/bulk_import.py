"""Importing alerts from a file: every record goes through the same service path as the API
(`service.create_alert`: offence allow-list, legal basis, neutrality screening, victim protection,
one alert per person and side), each in a savepoint of its own, so a refused record leaves nothing
behind and the others are imported. The command commits once, at the end.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import sys
from collections.abc import Callable, Iterable
from typing import TextIO

from pydantic import ValidationError
from sqlalchemy.orm import Session

from borderlink.alerts import service
from borderlink.alerts.bulk_input import Defaults, alert_input, input_name, parsed
from borderlink.alerts.bulk_read import BadLine, SourceRecord
from borderlink.alerts.protection import Person, ProtectedPerson, refuse_if_protected
from borderlink.alerts.schemas import AlertIn
from borderlink.directory.permissions import Principal
from borderlink.errors import BorderLinkError
from borderlink.shared.forms import FieldError, field_errors

BAR_WIDTH = 30


@dataclasses.dataclass(frozen=True, slots=True)
class Imported:
    line: int
    alert_id: str
    status: str
    source_id: str | None
    left_out: tuple[str, ...] = ()


@dataclasses.dataclass
class ImportReport:
    imported: list[Imported] = dataclasses.field(default_factory=list)
    refused: list[BadLine] = dataclasses.field(default_factory=list)


def _reason(problems: list[FieldError]) -> str:
    """The problems of one record in one line, each named by its column."""
    return "; ".join(f"{input_name(p.field)}: {p.text()}" if p.field else p.text() for p in problems)


def import_records(session: Session, principal: Principal, records: Iterable[SourceRecord | BadLine],
                   defaults: Defaults, now: dt.datetime,
                   on_record: Callable[[], None] | None = None) -> ImportReport:
    """Issue one alert per record as `principal` would through the API; `on_record` is called
    after each record, imported or not (for the progress bar)."""
    report = ImportReport()
    for item in records:
        if isinstance(item, BadLine):
            report.refused.append(item)
        else:
            try:
                data = parsed(AlertIn, alert_input(item, defaults))
                with session.begin_nested():
                    alert = service.create_alert(session, principal, data, now)
            except ValidationError as exc:
                report.refused.append(BadLine(item.line, _reason(field_errors(exc))))
            except BorderLinkError as exc:
                if isinstance(exc, ProtectedPerson):
                    _audit_refusal(session, data, principal)
                report.refused.append(BadLine(item.line, _reason([FieldError.of(exc)])))
            else:
                report.imported.append(Imported(item.line, alert.id, alert.status.value, item.source_id,
                                                item.left_out))
        if on_record is not None:
            on_record()
    return report


def _audit_refusal(session: Session, data: AlertIn, principal: Principal) -> None:
    """The refused record's savepoint took its audit entry with it; the refusal of a wanted alert
    on a protected person is audited all the same, so the check runs once more outside it."""
    if data.person is None:
        return
    nationalities = data.person.nationalities
    person = Person(tuple(data.person.names), data.person.birth_date,
                    data.person.gender.value if data.person.gender else None,
                    nationalities[0] if nationalities else None)
    with contextlib.suppress(ProtectedPerson):
        refuse_if_protected(session, person, principal.label)


class Progress:
    """How far an import is, on stderr: a bar redrawn in place on a terminal, else a line at every
    tenth of the file (when asked for, or for large files)."""

    def __init__(self, total: int, *, shown: bool, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.shown = shown
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty()
        self._last_tenth = 0

    def advance(self) -> None:
        self.done += 1
        if not self.shown:
            return
        if self.live:
            filled = min(BAR_WIDTH, BAR_WIDTH * self.done // self.total)
            self.stream.write(f"\rimport [{'#' * filled}{' ' * (BAR_WIDTH - filled)}] {self.done}/{self.total}")
            self.stream.flush()
            return
        tenth = 10 * self.done // self.total
        if tenth > self._last_tenth:
            self._last_tenth = tenth
            self.stream.write(f"import: {self.done} of {self.total} records ({min(100, tenth * 10)}%)\n")

    def finish(self) -> None:
        if self.shown and self.live:
            self.stream.write("\n")
