"""The page where a node administrator sets a domain's durations (response deadlines and the
like), in minutes, bounded as the API bounds them in seconds: one input per key of the
`DurationSettings`, refused values shown beside their input with what was typed kept.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
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
    """`template` gets `keys`, `values`, `errors` and `limits`; `save` stores seconds by key name
    (and checks the principal may)."""

    path: str
    settings: DurationSettings[Any]
    permission: Permission
    template: str
    save: Callable[[Session, Principal, dict[str, int | None]], None]


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
            page.save(session, principal, {key: value * 60 for key, value in minutes.items()})

        refused = await run_in_threadpool(forms.attempt, request, session, store)
        if isinstance(refused, forms.Refusal):
            return show(request, values, refused.shown, refused.status_code)
        return RedirectResponse(page.path, status_code=303)

    router = APIRouter(include_in_schema=False)
    name = page.path.strip("/").replace("/", "_")
    router.add_api_route(page.path, settings_page, methods=["GET"], name=f"{name}_page")
    router.add_api_route(page.path, settings_save, methods=["POST"], name=f"{name}_save")
    return router
