"""One declared action gives an object both of its routes: the API's (JSON body, the object's shape
back, its status and OpenAPI operation) and the page's form (back to the page with the outcome, a
refusal beside its input with what was typed), each asking for the same permission."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from tests.integration.conftest import Persona
from tests.support.personas import PASSWORD

from borderlink.app import create_app
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import InvalidInput, NotFound
from borderlink.node import Node
from borderlink.shared.contracts import Text
from borderlink.web.form_pages import ObjectPage
from borderlink.web.object_actions import Acting, ObjectAction, add_api_routes, add_page_routes
from borderlink.web.outcomes import Outcomes

THING = "0190f000-0000-7000-8000-000000000001"


class NoteIn(BaseModel):
    note: Annotated[Text, Field(max_length=10)]
    mood: Annotated[Text, Field(max_length=10)] | None = None


class ThingOut(BaseModel):
    id: str
    notes: list[str]


@pytest.fixture
def things() -> dict[str, list[str]]:
    return {THING: []}


@pytest.fixture
def app(node: Node, things: dict[str, list[str]]) -> Any:
    def found(acting: Acting) -> list[str]:
        if acting.object_id not in things:
            raise NotFound("No such thing.")
        return things[acting.object_id]

    def note(acting: Acting, body: NoteIn) -> list[str]:
        if body.note == "refused":
            raise InvalidInput("Not this note.", field="note")
        found(acting).append(body.note if body.mood is None else f"{body.note} ({body.mood})")
        return found(acting)

    def show(request: Request, session: Session, principal: Principal, thing_id: str, *,
             shown: dict[str, str], status_code: int, values: dict[str, str] | None = None) -> Response:
        return JSONResponse({"page": thing_id, "errors": shown, "values": values}, status_code=status_code)

    actions = (
        ObjectAction("add_note", "/things/{thing_id}/notes", Permission.USERS_MANAGE, body=NoteIn, run=note,
                     answer=lambda on, notes: ThingOut(id=on.object_id, notes=notes), response_model=ThingOut,
                     status_code=201, outcome="noted", page_path="/things/{thing_id}/note", page_name="note_form",
                     doc="Note something on a thing."),
        ObjectAction("touch", "/things/{thing_id}/touch", Permission.USERS_MANAGE,
                     run=lambda on, _: found(on), answer=lambda on, notes: ThingOut(id=on.object_id, notes=notes),
                     response_model=ThingOut, outcome="touched"),
    )
    api, pages = APIRouter(tags=["things"]), APIRouter(include_in_schema=False)
    add_api_routes(api, actions)
    add_page_routes(pages, ObjectPage("/things/{}", show, Outcomes({"noted": "Noted.", "touched": "Touched."})),
                    actions)
    made = create_app(node, run_background=False)
    made.include_router(pages)
    made.include_router(api, prefix="/api/v1")
    return made


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as made:
        yield made


def _logged_in(client: TestClient, username: str) -> TestClient:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token
    assert client.post("/login", data={"username": username, "password": PASSWORD,
                                       "csrf_token": token.group(1)}).status_code == 303
    csrf = re.search(r'name="csrf[-_]token" (?:content|value)="([^"]+)"', client.get("/").text)
    assert csrf
    client.headers["X-CSRF-Token"] = csrf.group(1)
    return client


def test_the_api_route_takes_the_body_and_answers_the_objects_shape(
    client: TestClient, personas: dict[str, Persona], bearer: Callable[[str], dict[str, str]],
    things: dict[str, list[str]],
) -> None:
    admin = bearer("node.admin")
    done = client.post(f"/api/v1/things/{THING}/notes", json={"note": "seen"}, headers=admin)
    assert done.status_code == 201
    assert done.json() == {"id": THING, "notes": ["seen"]}
    assert client.post(f"/api/v1/things/{THING}/touch", headers=admin).json() == {"id": THING, "notes": ["seen"]}
    refused = client.post(f"/api/v1/things/{THING}/notes", json={"note": "much too long"}, headers=admin)
    assert (refused.status_code, refused.json()["field"]) == (422, "note")
    assert client.post(f"/api/v1/things/{THING}/notes", json={"note": "refused"}, headers=admin).status_code == 422
    assert client.post(f"/api/v1/things/{THING[:-1]}2/touch", headers=admin).status_code == 404
    assert things[THING] == ["seen"]


def test_the_api_route_is_documented_as_declared(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    operation = paths["/api/v1/things/{thing_id}/notes"]["post"]
    assert operation["operationId"] == "add_note_api_v1_things__thing_id__notes_post"
    assert operation["description"] == "Note something on a thing."
    assert [p["name"] for p in operation["parameters"]] == ["thing_id"]
    assert operation["requestBody"]["required"] is True
    assert "201" in operation["responses"]
    assert "requestBody" not in paths["/api/v1/things/{thing_id}/touch"]["post"]
    assert not any(path.startswith("/things") for path in paths)  # the pages' routes are not in it


def test_the_page_route_takes_the_form_and_goes_back_to_the_page(
    client: TestClient, personas: dict[str, Persona], things: dict[str, list[str]],
) -> None:
    admin = _logged_in(client, "node.admin")
    done = admin.post(f"/things/{THING}/note", data={"note": "seen", "mood": ""})
    assert (done.status_code, done.headers["location"]) == (303, f"/things/{THING}?done=noted")
    assert admin.post(f"/things/{THING}/note", data={"note": "again", "mood": "calm"}).status_code == 303
    assert admin.post(f"/things/{THING}/touch").headers["location"] == f"/things/{THING}?done=touched"
    refused = admin.post(f"/things/{THING}/note", data={"note": "much too long"})
    assert refused.status_code == 422
    assert set(refused.json()["errors"]) == {"note"}
    assert refused.json()["values"] == {"note": "much too long"}
    by_service = admin.post(f"/things/{THING}/note", data={"note": "refused"})
    assert (by_service.status_code, set(by_service.json()["errors"])) == (422, {"note"})
    assert admin.post(f"/things/{THING[:-1]}2/touch").status_code == 404
    assert things[THING] == ["seen", "again (calm)"]


def test_both_routes_ask_for_the_declared_permission(
    client: TestClient, app: Any, personas: dict[str, Persona], bearer: Callable[[str], dict[str, str]],
    things: dict[str, list[str]],
) -> None:
    officer = bearer("mongcai.officer")
    assert client.post(f"/api/v1/things/{THING}/notes", json={"note": "seen"}, headers=officer).status_code == 403
    assert client.post(f"/api/v1/things/{THING}/touch", headers=officer).status_code == 403
    assert client.post(f"/api/v1/things/{THING}/touch").status_code == 401
    with TestClient(app, follow_redirects=False) as browser:
        assert browser.post(f"/things/{THING}/touch").status_code == 303  # to the login page
        page = _logged_in(browser, "mongcai.officer")
        assert page.post(f"/things/{THING}/note", data={"note": "seen"}).status_code == 403
        assert page.post(f"/things/{THING}/touch").status_code == 403
    assert things[THING] == []
