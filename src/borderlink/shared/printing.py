"""Printed records: any domain's record (a request, an alert, a case, a handover) as a print page
and as a PDF, in the viewer's language, laid out by one shared stylesheet and made by WeasyPrint.

A domain writes one template extending "web/print_base.html" (blocks `title` and `record`; the
macros of "web/print_parts.html" print a timeline and a list of facts) and declares the record:

    ALERT = printing.PrintedRecord(
        page="/alerts/{record_id}", permission=Permission.ALERTS_READ, template="alerts/print.html",
        context=alert_print_context, filename="alert-{record_id}.pdf")
    router = printing.printing_router(ALERT)  # GET /alerts/{id}/print and /alerts/{id}/print.pdf

`context` reads the record the way its detail page does (the same permission and scoping, so an
outsider gets 404, and a record naming a person is audited as read) and returns what the template
shows. `print_page` and `pdf_response` remain for routes that need more than this.

The PDF is rendered from the same template as the print page, without fetching anything: the
stylesheet is read from the package, and every URL the document names is refused, so a record's
text can never make the node reach out. Chinese text is set in WenQuanYi Zen Hei and Latin and
Vietnamese text in DejaVu Sans (both from Debian's packages, see `make print-deps`).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Iterable, Mapping
from importlib import resources
from typing import Any, NoReturn, Protocol

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.directory.permissions import Principal
from borderlink.shared.attachments import content_disposition
from borderlink.shared.codelists import CodeList
from borderlink.web.deps import DbSession, node_now, require
from borderlink.web.templating import render

PDF_TYPE = "application/pdf"


@functools.cache
def print_stylesheet() -> str:
    return (resources.files("borderlink.web") / "static" / "print.css").read_text("utf-8")


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"a printed record fetches nothing ({url[:80]})")


def print_page(request: Request, template: str, context: dict[str, Any]) -> Response:
    """The record as a page made for printing (the browser's own print, or the PDF link on it)."""
    return render(request, template, {**context, "for_pdf": False})


def render_pdf(request: Request, template: str, context: dict[str, Any]) -> bytes:
    from weasyprint import CSS, HTML  # loads the system's Pango: only the routes that print need it

    html = bytes(render(request, template, {**context, "for_pdf": True}).body).decode("utf-8")
    document = HTML(string=html, url_fetcher=_refuse_fetch)
    pdf: bytes = document.write_pdf(stylesheets=[CSS(string=print_stylesheet(), url_fetcher=_refuse_fetch)])
    return pdf


def pdf_response(request: Request, template: str, context: dict[str, Any], filename: str) -> Response:
    """The record as a PDF download, in the viewer's language."""
    return Response(render_pdf(request, template, context), media_type=PDF_TYPE, headers={
        "Content-Disposition": content_disposition(filename, inline=False),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    })


# --- records declared by the domains ----------------------------------------------------------

PrintContext = Callable[[Request, Session, Principal, str], dict[str, Any]]


@dataclasses.dataclass(frozen=True)
class PrintedRecord:
    """A kind of record that prints. `page` is the path of its detail page with `{record_id}` in
    it; the print page is served at `page + "/print"` and the PDF at `page + "/print.pdf"`."""

    page: str
    permission: str
    template: str
    context: PrintContext
    filename: str  # the PDF's file name, with `{record_id}`

    def href(self, record_id: str, suffix: str = "") -> str:
        return self.page.replace("{record_id}", record_id) + suffix

    def full_context(self, request: Request, session: Session, principal: Principal, record_id: str) -> dict[str, Any]:
        found = self.context(request, session, principal, record_id)
        return {"printed_at": node_now(request), "record_href": self.href(record_id),
                "pdf_href": self.href(record_id, "/print.pdf"), **found}


def _add_routes(router: APIRouter, record: PrintedRecord) -> None:
    reader = require(record.permission)

    def page(record_id: str, request: Request, session: DbSession, principal: Principal = Depends(reader)) -> Response:
        """The record and its timeline laid out for paper, in the reader's language."""
        return print_page(request, record.template, record.full_context(request, session, principal, record_id))

    def pdf(record_id: str, request: Request, session: DbSession, principal: Principal = Depends(reader)) -> Response:
        """The same record as a PDF."""
        return pdf_response(request, record.template, record.full_context(request, session, principal, record_id),
                            record.filename.replace("{record_id}", record_id))

    name = record.template.removesuffix(".html").replace("/", "_")
    router.add_api_route(record.page + "/print", page, methods=["GET"], name=f"{name}_page")
    router.add_api_route(record.page + "/print.pdf", pdf, methods=["GET"], name=f"{name}_pdf")


def printing_router(*records: PrintedRecord) -> APIRouter:
    """The print page and PDF routes of each record, for a domain's `page_routers`."""
    router = APIRouter(include_in_schema=False)
    for record in records:
        _add_routes(router, record)
    return router


def units_by_code(session: Session) -> dict[str, Unit]:
    """Every unit of both sides by code: a printed record names units where codes are stored."""
    return {unit.code: unit for unit in directory.list_units(session)}


def unit_label(units: Mapping[str, Unit], code: str | None, language: str) -> str:
    """A unit by name in the reader's language, its code beside it (paper has no tooltips)."""
    if not code:
        return ""
    found = units.get(code)
    return f"{found.name(language)} ({code})" if found is not None else code


def unit_names(session: Session, language: str) -> dict[str, Any]:
    """For a print context: `units` by code and `unit_label(code)`, a unit by name in the reader's
    language with its code beside it."""
    units = units_by_code(session)
    return {"units": units, "unit_label": lambda code: unit_label(units, code, language)}


class _Event(Protocol):
    @property
    def kind(self) -> Any: ...
    @property
    def at(self) -> Any: ...
    @property
    def party(self) -> str: ...
    @property
    def unit_code(self) -> str | None: ...
    @property
    def detail(self) -> str | None: ...


def printed_events(timeline: Iterable[_Event], steps: CodeList, units: Mapping[str, Unit],
                   language: str) -> list[dict[str, Any]]:
    """A record's timeline as `timeline_table` prints it: each step's label and unit by name."""
    return [{"at": e.at, "label": steps.label(e.kind, language), "party": e.party,
             "unit": unit_label(units, e.unit_code, language), "detail": e.detail} for e in timeline]
