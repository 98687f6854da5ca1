"""The page where a node administrator sets a domain's durations (response deadlines and the
like), in minutes, bounded as the API bounds them in seconds: one input per key of the
`DurationSettings`, refused values shown beside their input with what was typed kept. The API
reads and sets the same durations in seconds.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field, create_model
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from borderlink.directory.permissions import Permission, Principal
from borderlink.shared.durations import DurationSettings
from borderlink.shared.forms import input_limits
from borderlink.web import form_pages as forms
from borderlink.web.deps import DbSession, require
from borderlink.web.templating import render


@dataclasses.dataclass(frozen=True)
class DurationPage:
    """`template` gets `keys`, `values`, `errors` and `limits`; the settings' own permission lets a
    principal see and change them."""

    path: str
    settings: DurationSettings[Any]
    template: str

    @property
    def permission(self) -> str:
        if self.settings.permission is None:
            raise ValueError(f"the durations of {self.path} name no permission to change them")
        return self.settings.permission


def duration_router(page: DurationPage) -> APIRouter:
    keys = [str(key) for key in page.settings.defaults]
    in_minutes = create_model(  # type: ignore[call-overload]
        "DurationMinutes", **{key: (int, Field(ge=1, le=page.settings.max_seconds // 60)) for key in keys})
    allowed = require(page.permission)

    def show(request: Request, values: dict[str, str], shown: dict[str, str], status_code: int = 200) -> Response:
        return render(request, page.template, {"keys": list(page.settings.defaults), "values": values,
                                               "errors": shown, "limits": input_limits(in_minutes)},
                      status_code=status_code)

    def settings_page(request: Request, session: DbSession, principal: Principal = Depends(allowed)) -> Response:
        current = page.settings.all(session)
        return show(request, {str(key): str(int(value.total_seconds() // 60)) for key, value in current.items()}, {})

    async def settings_save(request: Request, session: DbSession, principal: Principal = Depends(allowed)) -> Response:
        values = forms.typed(await request.form(), keys, strip=True)

        def store() -> None:
            minutes = in_minutes.model_validate(values).model_dump()
            page.settings.change(session, principal, {key: value * 60 for key, value in minutes.items()})

        refused = await run_in_threadpool(forms.attempt, request, session, store)
        if isinstance(refused, forms.Refusal):
            return show(request, values, refused.shown, refused.status_code)
        return RedirectResponse(page.path, status_code=303)

    router = APIRouter(include_in_schema=False)
    name = page.path.strip("/").replace("/", "_")
    router.add_api_route(page.path, settings_page, methods=["GET"], name=f"{name}_page")
    router.add_api_route(page.path, settings_save, methods=["POST"], name=f"{name}_save")
    return router


def add_duration_api(router: APIRouter, page: DurationPage, path: str, *, reader: Permission, name: str,
                     model_name: str, summary: str) -> None:
    """`GET` and `PUT` of the same durations in seconds on a domain's API router; a key left out of
    the `PUT` keeps its value."""
    keys = [str(key) for key in page.settings.defaults]
    in_seconds = create_model(  # type: ignore[call-overload]
        model_name, **{key: (int | None, Field(default=None, ge=1, le=page.settings.max_seconds, description="seconds"))
                       for key in keys})
    allowed, may_read = require(page.permission), require(reader)

    def current(session: Session) -> dict[str, Any]:
        return {str(key): int(value.total_seconds()) for key, value in page.settings.all(session).items()}

    def get_durations(session: DbSession, principal: Principal = Depends(may_read)) -> dict[str, Any]:
        return current(session)

    def put_durations(body: Any, session: DbSession, principal: Principal = Depends(allowed)) -> dict[str, Any]:
        page.settings.change(session, principal, body.model_dump())
        session.flush()
        return current(session)

    put_durations.__annotations__["body"] = in_seconds  # a model made here, not a name to look up
    router.add_api_route(path, get_durations, methods=["GET"], name=f"get_{name}",
                         description=f"{summary}, in seconds.")
    router.add_api_route(path, put_durations, methods=["PUT"], name=f"put_{name}",
                         description=f"{summary}, in seconds (node administrators).")
