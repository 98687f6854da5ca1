"""The traveller's photo taken at the desk: kept with the crossing through the shared attachments,
shown on the crossing's and the hit's pages, refused when it is not a small image."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from tests.integration.conftest import Persona
from tests.integration.gates.conftest import HeldAlerts
from tests.integration.gates.test_gates_crossings import URL, WANG_MRZ, wanted_wang
from tests.support.images import png

from borderlink.gates.photos import MAX_PHOTO_BYTES

Bearer = Callable[[str], dict[str, str]]
Login = Callable[..., TestClient]


def photo_body(data: bytes, filename: str = "desk.png") -> dict[str, str]:
    return {"filename": filename, "content_base64": base64.b64encode(data).decode("ascii")}


def _cross(app_client: TestClient, bearer: Bearer, **extra: Any) -> Any:
    return app_client.post(URL, headers=bearer("mongcai.officer"), json={"direction": "entry", "mrz": WANG_MRZ,
                                                                         **extra})


def test_the_photo_is_kept_with_the_crossing_and_shown_with_its_hit(
        app_client: TestClient, login: Login, personas: dict[str, Persona], bearer: Bearer,
        held_alerts: HeldAlerts) -> None:
    wanted_wang(held_alerts)
    image = png()
    recorded = _cross(app_client, bearer, photo=photo_body(image))
    assert recorded.status_code == 201, recorded.text
    crossing = app_client.get(f"{URL}/{recorded.json()['id']}", headers=bearer("mongcai.officer")).json()
    assert crossing["photo_url"]
    [hit] = recorded.json()["check"]["hits"]
    owner = bearer("qn.commander")
    shown = app_client.get(f"/api/v1/hits/{hit['id']}", headers=owner).json()
    assert shown["photo_url"] == crossing["photo_url"]
    file_id = shown["photo_url"].rsplit("/", 1)[-1]
    served = app_client.get(f"/api/v1/attachments/files/{file_id}", headers=owner, params={"inline": "true"})
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert served.content == image
    # The pages show it: the crossing's to the gate, the hit's to the alert's owner.
    assert 'id="traveller-photo"' in login("mongcai.officer").get(f"/gates/crossings/{crossing['id']}").text
    assert 'id="traveller-photo"' in login("qn.commander").get(f"/gates/hits/{hit['id']}").text
    # Someone who may not see the crossing does not see its photo either.
    assert app_client.get(f"/api/v1/attachments/files/{file_id}", headers=bearer("laocai.officer")).status_code == 404


def test_a_photo_that_is_not_a_small_image_is_refused_and_nothing_is_recorded(
        app_client: TestClient, personas: dict[str, Persona], bearer: Bearer, held_alerts: HeldAlerts) -> None:
    not_an_image = _cross(app_client, bearer, photo=photo_body(b"<svg onload=alert(1)>", "face.svg"))
    assert not_an_image.status_code == 422
    assert not_an_image.json()["field"] == "photo"
    too_large = _cross(app_client, bearer, photo=photo_body(png() + b"\0" * MAX_PHOTO_BYTES))
    assert too_large.status_code == 422
    assert too_large.json()["field"].startswith("photo")
    broken = _cross(app_client, bearer, photo={"filename": "x.png", "content_base64": "%%%"})
    assert broken.status_code == 422
    listed = app_client.get(URL, headers=bearer("mongcai.officer")).json()["items"]
    assert listed == []


def test_the_desk_form_takes_the_photo_as_a_file(login: Login, personas: dict[str, Persona],
                                                 held_alerts: HeldAlerts) -> None:
    wanted_wang(held_alerts)
    officer = login("mongcai.officer")
    desk = officer.get("/gates")
    assert 'type="file"' in desk.text
    assert 'enctype="multipart/form-data"' in desk.text
    recorded = officer.post("/gates/crossings", data={"direction": "entry", "mrz": WANG_MRZ,
                                                      "csrf_token": officer.headers["X-CSRF-Token"]},
                            files={"photo": ("desk.png", png(), "image/png")})
    assert recorded.status_code == 303, recorded.text
    assert 'id="traveller-photo"' in officer.get(recorded.headers["location"]).text
