"""An action on an object (acknowledge, close, accept...) declared once, from which both of its
routes are made: the JSON route of the API (the body as JSON, the object's shape as the answer)
and the form route of the object's page (the same fields from the form, run as `ObjectPage.act`
runs it: back to the page with the outcome, or a refusal beside its input with what was typed).
Both ask for the same permission and call the same service."""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from borderlink.directory.permissions import Principal
from borderlink.web import form_pages as forms
from borderlink.web.deps import DbSession, node_now, require


@dataclasses.dataclass(frozen=True)
class Acting:
    """One caller acting on one object, as either route hands it to the action."""

    request: Request
    session: Session
    principal: Principal
    object_id: str
    now: dt.datetime

    @property
    def zone(self) -> str:
        """The reader's time zone, for a time typed on a form without one."""
        return str(getattr(self.request.state, "timezone", "UTC"))


FormReader = Callable[[Mapping[str, str], Acting], Mapping[str, Any]]


@dataclasses.dataclass(frozen=True)
class ObjectAction:
    """`path` (under the API's and the pages' routers, its last parameter the object's id) is the
    API route, named `name` (its OpenAPI operation); the page posts to `page_path` (the same
    path unless given), named `page_name` (`<name>_form` unless given). `run(acting, body)` does
    the work with the body validated by `body` (None for an action without one, or for an
    optional body left out of the API call); `answer(acting, done)` is the API's answer from
    what `run` returned. `form(values, acting)` gives the body's fields from the posted form;
    unless given, each field's input as typed, an optional one left empty being left out."""

    name: str
    path: str
    permission: str
    run: Callable[[Acting, Any], object]
    answer: Callable[[Acting, Any], BaseModel]
    response_model: type[BaseModel]
    outcome: str
    body: type[BaseModel] | None = None
    body_optional: bool = False
    form: FormReader | None = None
    status_code: int | None = None
    doc: str | None = None
    page_path: str | None = None
    page_name: str | None = None

    @property
    def id_param(self) -> str:
        found = re.findall(r"\{(\w+)\}", self.path)
        if not found:
            raise ValueError(f"the path {self.path!r} names no object")
        return str(found[-1])

    def body_of(self, values: Mapping[str, str], acting: Acting) -> BaseModel | None:
        if self.body is None:
            return None
        fields = self.form(values, acting) if self.form else typed_fields(self.body, values)
        return self.body.model_validate(fields)


def typed_fields(body: type[BaseModel], values: Mapping[str, str]) -> dict[str, str]:
    """The inputs named by the body's fields as typed; an optional one left empty is left out."""
    return {name: values.get(name, "") for name, field in body.model_fields.items()
            if field.is_required() or values.get(name, "")}


def add_api_routes(router: APIRouter, actions: Iterable[ObjectAction]) -> None:
    for action in actions:
        router.add_api_route(action.path, _api_endpoint(action), methods=["POST"], name=action.name,
                             response_model=action.response_model, status_code=action.status_code,
                             description=action.doc)


def add_page_routes(router: APIRouter, page: forms.ObjectPage, actions: Iterable[ObjectAction]) -> None:
    for action in actions:
        router.add_api_route(action.page_path or action.path, _page_endpoint(page, action), methods=["POST"],
                             name=action.page_name or f"{action.name}_form")


def _api_endpoint(action: ObjectAction) -> Callable[..., BaseModel]:
    def act(request: Request, object_id: str, session: Session, principal: Principal, body: Any = None) -> BaseModel:
        acting = Acting(request, session, principal, object_id, node_now(request))
        return action.answer(acting, action.run(acting, body))

    _declare(act, action, with_body=True)
    return act


def _page_endpoint(page: forms.ObjectPage, action: ObjectAction) -> Callable[..., Awaitable[Response]]:
    async def act_on_form(request: Request, object_id: str, session: Session, principal: Principal) -> Response:
        values = await forms.submitted(request)
        acting = Acting(request, session, principal, object_id, node_now(request))
        return await run_in_threadpool(page.act, request, session, principal, object_id,
                                       lambda: action.run(acting, action.body_of(values, acting)), action.outcome,
                                       None if action.body is None else values)

    _declare(act_on_form, action, with_body=False)
    return act_on_form


def _declare(endpoint: Callable[..., Any], action: ObjectAction, *, with_body: bool) -> None:
    """What FastAPI reads of the route from its endpoint's signature: the object's id under the
    path's own name, the session, the caller holding the permission, and for the API the body (a
    model named by the declaration, not a name to look up)."""
    keyword = inspect.Parameter.KEYWORD_ONLY
    parameters = [
        inspect.Parameter("request", keyword, annotation=Request),
        inspect.Parameter("object_id", keyword, annotation=Annotated[str, Path(alias=action.id_param)]),
        inspect.Parameter("session", keyword, annotation=DbSession),
        inspect.Parameter("principal", keyword, annotation=Annotated[Principal, Depends(require(action.permission))]),
    ]
    if with_body and action.body is not None:
        optional = action.body_optional
        parameters.append(inspect.Parameter("body", keyword, annotation=action.body | None if optional else action.body,
                                            default=None if optional else inspect.Parameter.empty))
    endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
