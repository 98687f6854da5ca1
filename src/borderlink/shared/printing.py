"""Printed records: any domain's record (a request, an alert, a case, a handover) as a print page
and as a PDF, in the viewer's language, laid out by one shared stylesheet and made by WeasyPrint.

A domain writes one template extending "web/print_base.html" (blocks `title` and `record`; the
macros of "web/print_parts.html" print a timeline and a list of facts) and two routes:

    @router.get("/alerts/{alert_id}/print")
    def alert_print(...) -> Response:
        return printing.print_page(request, "alerts/print.html", context)

    @router.get("/alerts/{alert_id}/print.pdf")
    def alert_pdf(...) -> Response:
        return printing.pdf_response(request, "alerts/print.html", context, f"alert-{alert_id}.pdf")

The PDF is rendered from the same template as the print page, without fetching anything: the
stylesheet is read from the package, and every URL the document names is refused, so a record's
text can never make the node reach out. Chinese text is set in WenQuanYi Zen Hei and Latin and
Vietnamese text in DejaVu Sans (both from Debian's packages, see `make print-deps`).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any, NoReturn

from fastapi import Request
from fastapi.responses import Response

from borderlink.shared.attachments import content_disposition
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
