"""What every page form does the same way: read what was typed, run the action in a savepoint, and
on a refusal give back the errors beside their inputs (translated) with the status to show them at,
so the page is shown again with everything the user typed; an action posted from an object's page
goes back to that page. Also a list page's filters from its query string, its own address at
another page of results, and the uploads of a form as the API's file parts.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from borderlink.directory.permissions import Principal
from borderlink.errors import BorderLinkError, NotFound
from borderlink.shared.shapes import ListQuery
from borderlink.web.errors import problems_of, shown_errors, status_for
from borderlink.web.outcomes import Outcomes

T = TypeVar("T")
Q = TypeVar("Q", bound=ListQuery)


@dataclasses.dataclass(frozen=True)
class Refusal:
    """Why the action was refused, keyed by the form's input names ("" for the whole form)."""

    shown: dict[str, str]
    status_code: int


def attempt(request: Request, session: Session, action: Callable[[], T], *,
            rename: Callable[[str], str] | None = None, hidden_is_refusal: bool = True) -> T | Refusal:
    """Run `action` in a savepoint, so a refusal leaves nothing half done; `rename` maps a schema
    field to the input that carries it. With `hidden_is_refusal` off, an object the user may not
    see stays a 404 page rather than an error on the form."""
    try:
        with session.begin_nested():
            return action()
    except (ValidationError, BorderLinkError) as exc:
        if isinstance(exc, NotFound) and not hidden_is_refusal:
            raise
        return Refusal(shown_errors(request, problems_of(exc), rename), status_for(exc))


@dataclasses.dataclass(frozen=True)
class ObjectPage:
    """An object's page that its forms post their actions from. `path` is its address with `{}`
    for the object's id; `show(request, session, principal, object_id, *, shown, status_code)`
    renders it (with `values=`, what was typed, unless `keeps_typed` is off: its forms show
    nothing typed again); `rename` maps a schema field to the page's input."""

    path: str
    show: Callable[..., Response]
    outcomes: Outcomes
    rename: Callable[[str], str] | None = None
    keeps_typed: bool = True

    def act(self, request: Request, session: Session, principal: Principal, object_id: str,
            action: Callable[[], object], outcome: str, values: Mapping[str, Any] | None = None) -> Response:
        """Run one action (in a savepoint, as `attempt` does) and go back to the page saying
        `outcome` (a 303); a refusal shows the page again with the errors beside their inputs and
        `values` kept. An object the user may not see stays a 404 page."""
        done = attempt(request, session, action, rename=self.rename, hidden_is_refusal=False)
        if isinstance(done, Refusal):
            kept = {} if values is None or not self.keeps_typed else {"values": values}
            return self.show(request, session, principal, object_id, shown=done.shown, status_code=done.status_code,
                             **kept)
        return self.outcomes.redirect(self.path.format(object_id), outcome)

    async def act_on_form(self, request: Request, session: Session, principal: Principal, object_id: str,
                          work: Callable[[dict[str, str]], object],
                          outcome: str | Callable[[dict[str, str]], str]) -> Response:
        """`act` with the posted form's inputs: `work(values)` is the action, and the outcome is
        `outcome` or the one it names from the values."""
        values = await submitted(request)
        said = outcome if isinstance(outcome, str) else outcome(values)
        return await run_in_threadpool(self.act, request, session, principal, object_id, lambda: work(values), said,
                                       values)


def local_times(values: Mapping[str, Any], names: Iterable[str], zone: str) -> dict[str, Any]:
    """The form's values with each named time typed without a zone read as one in `zone` (the
    reader's), given in UTC; a value that is no time is left for the schema to name."""
    found = dict(values)
    for name in names:
        text = found.get(name)
        if isinstance(text, str):
            try:
                moment = dt.datetime.fromisoformat(text)
            except ValueError:
                continue
            if moment.tzinfo is None:
                found[name] = moment.replace(tzinfo=ZoneInfo(zone)).astimezone(dt.UTC).isoformat()
    return found


async def submitted(request: Request) -> dict[str, str]:
    """Every text input of the posted form by name (files and the form's CSRF token left out)."""
    form = await request.form()
    return {name: value for name, value in form.items() if isinstance(value, str) and name != "csrf_token"}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def typed(form: FormData | Mapping[str, Any], names: Iterable[str], *, strip: bool = False) -> dict[str, str]:
    """What was typed in each named input ("" for one left out, or holding a file)."""
    values = {name: _text(form.get(name)) for name in names}
    return {name: value.strip() for name, value in values.items()} if strip else values


async def uploads(form: FormData, name: str) -> list[dict[str, str]]:
    """The files chosen in one file input, as the API's file parts (an empty choice is no file)."""
    files = []
    for upload in form.getlist(name):
        if isinstance(upload, UploadFile) and upload.filename:
            content = await upload.read()
            files.append({"filename": upload.filename, "content_type": upload.content_type or
                          "application/octet-stream", "content_base64": base64.b64encode(content).decode("ascii")})
    return files


def page_link(request: Request, path: str, cursor: str | None) -> str | None:
    """A list page's own address with the same filters, at another page (None: there is none)."""
    if cursor is None:
        return None
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    return f"{path}?" + urlencode([*params, ("cursor", cursor)])


def pager(request: Request, path: str, next_cursor: str | None, prev_cursor: str | None) -> dict[str, str | None]:
    """The `next_link` and `prev_link` a list page's pager (`web/forms.html`) shows."""
    return {"next_link": page_link(request, path, next_cursor), "prev_link": page_link(request, path, prev_cursor)}


def offered(value: str | None, choices: Iterable[str]) -> str | None:
    """A filter's value from the query string, kept only when it is one the page offers."""
    return value if value in set(choices) else None


def page_query(shape: type[Q]) -> Callable[[Request], Q]:
    """A dependency giving a list page its filters, as the API takes them, from the query string: a
    value the list does not take (hand-edited, or left empty) filters nothing rather than showing an
    error page. A field with a (string) validation alias is read under that name only."""
    names = {field.validation_alias if isinstance(field.validation_alias, str) else name
             for name, field in shape.model_fields.items()}

    def filters(request: Request) -> Q:
        given = {name: value for name, value in request.query_params.items() if name in names and value.strip()}
        try:
            return shape.model_validate(given)
        except ValidationError as exc:
            refused = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            return shape.model_validate({name: value for name, value in given.items() if name not in refused})

    return filters
