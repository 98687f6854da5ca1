"""Errors as a person or a client reads them: one JSON shape for the API, translated pages for browsers.

Every error answer of the API has the same body, `ErrorOut`: a code, the message in the caller's
language, the field it concerns, and every problem found (a form may have several). A domain rule
refused by a service (422) has the same shape as a refusal of the schema. A browser gets the same
message on a translated HTML page instead. The OpenAPI document declares these answers on every
route that can give them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote_plus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from borderlink import errors
from borderlink.shared.forms import N_, FieldError, field_error, field_errors
from borderlink.web.deps import language_for
from borderlink.web.i18n import translator
from borderlink.web.templating import render

STATUS = {
    errors.NotFound: 404,
    errors.Forbidden: 403,
    errors.Conflict: 409,
    errors.InvalidInput: 422,
    errors.AuthenticationFailed: 401,
}
# What a bare HTTP status says when nothing more precise was raised (unknown path, wrong method...).
_STATUS_MESSAGES = {
    400: ("bad_request", N_("The request could not be read.")),
    401: ("unauthenticated", N_("Log in or give a valid API token first.")),
    403: ("forbidden", N_("You may not do this.")),
    404: ("not_found", N_("There is nothing here, or you may not see it.")),
    405: ("method_not_allowed", N_("This address does not accept this method.")),
    409: ("conflict", N_("This conflicts with the current state; reload and try again.")),
    413: ("too_large", N_("The request is too large.")),
    415: ("unsupported_media_type", N_("This kind of content is not accepted here.")),
    422: ("invalid", N_("This value is not valid.")),
}
_GENERIC = ("error", N_("Something went wrong."))


class ErrorItemOut(BaseModel):
    code: str = Field(description="What is wrong, as a stable code (e.g. `string_too_short`, `not_found`).")
    detail: str = Field(description="The message, in the caller's language.")
    field: str | None = Field(description="The input it concerns, dotted (`references.0.name`), if any.")


class ErrorOut(BaseModel):
    """The body of every error answer."""

    code: str = Field(description="What went wrong, as a stable code.")
    detail: str = Field(description="The (first) message, in the caller's language.")
    field: str | None = Field(description="The input the (first) message concerns, if any.")
    errors: list[ErrorItemOut] = Field(description="Every problem found, one per field.")


def status_of(exc: errors.BorderLinkError) -> int:
    return next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 400)


def wants_html(request: Request) -> bool:
    path = request.url.path
    api = path.startswith("/api/") or path in ("/metrics", "/openapi.json")
    return not api and "text/html" in request.headers.get("accept", "")


def _language(request: Request) -> str:
    return getattr(request.state, "language", None) or language_for(request, None)


def respond(request: Request, status: int, code: str, problems: list[FieldError],
            headers: dict[str, str] | None = None) -> Response:
    """The error answer: a translated page for a browser, an `ErrorOut` for everyone else."""
    gettext = translator(_language(request))
    items = [ErrorItemOut(code=p.code, detail=p.text(gettext), field=p.field) for p in problems]
    if wants_html(request):
        request.state.language = _language(request)
        return render(request, "web/error.html", {"status": status, "messages": [i.detail for i in items]},
                      status_code=status)
    first = items[0]
    body = ErrorOut(code=code, detail=first.detail, field=first.field, errors=items)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _bare(status: int) -> tuple[str, FieldError]:
    code, message = _STATUS_MESSAGES.get(status, _GENERIC)
    return code, FieldError(None, code, message)


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.BorderLinkError)
    async def _domain_error(request: Request, exc: errors.BorderLinkError) -> Response:
        status = status_of(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return respond(request, status, exc.code, [FieldError.of(exc)], headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        code, problem = _bare(exc.status_code)
        limit = getattr(exc, "limit", None)
        if exc.status_code == 413 and isinstance(limit, int):
            message = N_("The request body is larger than this route accepts (%(limit)s bytes).")
            problem = FieldError(None, code, message, {"limit": limit})
        return respond(request, exc.status_code, code, [problem], dict(exc.headers or {}) or None)

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [field_error(error, skip=1) for error in exc.errors()] or [_bare(422)[1]]
        return respond(request, 422, "invalid", problems)


def _declared_statuses(path: str, operation: dict[str, Any]) -> list[int]:
    """The error statuses an operation can answer with, from what it takes and who may call it."""
    params = {p.get("in") for p in operation.get("parameters", [])}
    guarded = path.startswith("/api/")
    body = "requestBody" in operation
    statuses = [401, 403] if guarded else []
    if "path" in params:
        statuses.append(404)
    if body:
        statuses.append(413)
    if params or body or guarded:
        statuses.append(422)
    return statuses


_ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}


def document_errors(app: FastAPI) -> None:
    """Make the OpenAPI document declare the error answers of every route, all with `ErrorOut`."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(error_schema.pop("$defs", {}))
        components[ErrorOut.__name__] = error_schema
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                # A route names the answers its own rules give (e.g. 409 for a taken name) in `responses`.
                own = {int(status) for status in responses if status.isdigit() and int(status) in _STATUS_MESSAGES}
                statuses = set(_declared_statuses(path, operation)) | own
                for status in sorted(statuses):
                    _code, message = _STATUS_MESSAGES.get(status, _GENERIC)
                    responses[str(status)] = {"description": message,
                                              "content": {"application/json": {"schema": _ERROR_REF}}}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def shown_errors(request: Request, problems: list[FieldError],
                 rename: Callable[[str], str] | None = None) -> dict[str, str]:
    """A form's problems in the reader's language, keyed by the form's input names ("" for the
    whole form); `rename` maps a schema field to the input that carries it."""
    gettext = translator(_language(request))
    shown: dict[str, str] = {}
    for problem in problems:
        key = problem.field or ""
        shown.setdefault(rename(key) if rename and key else key, problem.text(gettext))
    return shown


def problems_of(exc: ValidationError | errors.BorderLinkError) -> list[FieldError]:
    if isinstance(exc, errors.BorderLinkError):
        return [FieldError.of(exc)]
    return field_errors(exc)


def status_for(exc: ValidationError | errors.BorderLinkError) -> int:
    return status_of(exc) if isinstance(exc, errors.BorderLinkError) else 422


class NulRefusal:
    """Refuses a request whose path or query carries the NUL character, in the one error shape.
    No text the node keeps may hold it (PostgreSQL refuses it outright), so it is turned away at the
    edge rather than deep in a query."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _carries_nul(scope):
            code, problem = _bare(422)
            await respond(Request(scope, receive), 422, code, [problem])(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _carries_nul(scope: Scope) -> bool:
    query = unquote_plus(bytes(scope.get("query_string", b"")).decode("latin-1"))
    return "\x00" in query or "\x00" in str(scope.get("path", ""))
