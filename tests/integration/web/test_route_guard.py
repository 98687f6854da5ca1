"""Routes are authenticated by default: each one declares its permission with `require(...)`,
or is listed in PUBLIC_PATHS, or serves static files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from borderlink.app import create_app
from borderlink.node import Node
from borderlink.web.deps import PUBLIC_PATHS

STATIC_PREFIX = "/static"


def _dependencies(dependant: Dependant) -> Iterator[object]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _dependencies(sub)


def required_permissions(route: Any) -> list[str]:
    dependant = getattr(route, "dependant", None)
    if not isinstance(dependant, Dependant):
        return []
    return [str(call.required_permission) for call in _dependencies(dependant) if hasattr(call, "required_permission")]


def served_routes(app: FastAPI) -> Iterator[tuple[str, set[str], Any]]:
    """(full path, methods, route) of everything the app serves, with router prefixes applied."""
    for context in iter_route_contexts(app.routes):
        route = context.route
        if isinstance(route, Mount):
            yield route.path, set(), route
            continue
        yield str(context.path), set(context.methods or ()), context


def unguarded_routes(app: FastAPI) -> list[str]:
    """Every route that neither requires a permission nor is public, as 'METHODS path'."""
    found: list[str] = []
    for path, methods, route in served_routes(app):
        if path == STATIC_PREFIX or path.startswith(STATIC_PREFIX + "/") or path in PUBLIC_PATHS:
            continue
        if isinstance(route, Mount) or not required_permissions(route):
            found.append(f"{sorted(methods)} {path}")
    return found


def test_every_route_requires_a_permission_or_is_public(node: Node) -> None:
    app = create_app(node, run_background=False)
    assert len(list(served_routes(app))) > 20
    assert unguarded_routes(app) == []


def test_the_walk_catches_a_route_without_require(node: Node) -> None:
    app = create_app(node, run_background=False)

    @app.get("/api/v1/forgotten")
    def forgotten() -> dict[str, str]:
        return {"secret": "yes"}

    assert unguarded_routes(app) == ["['GET'] /api/v1/forgotten"]


def test_public_paths_are_few_and_harmless() -> None:
    assert {"/health", "/login", "/logout"} <= PUBLIC_PATHS
    assert not any(path.startswith("/api/") for path in PUBLIC_PATHS)


def _sample_path(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "00000000-0000-7000-8000-000000000000", path)


def test_every_guarded_route_refuses_anonymous_callers(node: Node) -> None:
    """Called with no credentials, API routes answer 401 and pages redirect to the login page."""
    app = create_app(node, run_background=False)
    checked = 0
    with TestClient(app, follow_redirects=False) as client:
        for path, methods, route in served_routes(app):
            if isinstance(route, Mount) or path in PUBLIC_PATHS or not required_permissions(route):
                continue
            for method in sorted(methods - {"HEAD"}):
                response = client.request(method, _sample_path(path))
                where = f"{method} {path}: {response.status_code}"
                if path.startswith("/api/") or path == "/metrics":
                    assert response.status_code == 401, where
                else:
                    assert response.status_code == 303, where
                    assert response.headers["location"].startswith("/login?next="), where
                checked += 1
    assert checked > 20
