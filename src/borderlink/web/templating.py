"""Jinja2 environment over every domain's templates folder; renders pages in the viewer's language."""

from __future__ import annotations

import functools
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, PrefixLoader, select_autoescape

from borderlink.shared.codelists import CodeList
from borderlink.web.i18n import LANGUAGE_NAMES, LANGUAGES, local_time, request_language, side_times, translator


@functools.cache
def environment() -> Environment:
    """Templates are named "<domain>/<file>.html", from each domain's templates folder."""
    from borderlink import domains  # the domains' pages build on this module

    loaders = {"web": PackageLoader("borderlink.web", "templates")}
    for package in domains.template_packages():
        loaders[package.rsplit(".", 1)[-1]] = PackageLoader(package, "templates")
    env = Environment(loader=PrefixLoader(loaders), autoescape=select_autoescape(default=True))
    env.globals["LANGUAGES"] = LANGUAGES
    env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    env.globals["navigation"] = domains.navigation
    return env


def _code_list(name: str) -> CodeList:
    from borderlink import domains  # the domains' pages import this module

    return domains.code_lists()[name]


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    language: str = request_language(request)
    zone: str = getattr(request.state, "timezone", "UTC")
    principal = getattr(request.state, "principal", None)
    node = request.app.state.node
    values: dict[str, Any] = {
        "request": request,
        "_": translator(language),
        "lang": language,
        "zone": zone,
        "principal": principal,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "node_party": node.settings.party,
        "node_name": getattr(node.settings, f"name_{'zh' if language == 'zh_Hans' else language}"),
        "localtime": lambda moment, fmt="medium": local_time(moment, zone, language, fmt),
        "side_times": lambda moment, fmt="medium": side_times(moment, language, fmt),
        "code_label": lambda list_name, value: _code_list(list_name).label(value, language),
        "code_options": lambda list_name: _code_list(list_name).options(language),
    }
    values.update(context or {})
    html = environment().get_template(template).render(values)
    return HTMLResponse(html, status_code=status_code)
