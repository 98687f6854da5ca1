"""Codes are stored as their values and shown with the code list's label in the reader's language."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.integration.conftest import Persona

from borderlink.node import Node


def test_roles_and_tiers_are_stored_as_their_values(node: Node, personas: dict[str, Persona]) -> None:
    with node.transaction() as session:
        role = session.execute(text("SELECT role FROM users WHERE username = 'node.admin'")).scalar_one()
        tier = session.execute(text("SELECT tier FROM units WHERE code = 'VN-BGC'")).scalar_one()
    assert (role, tier) == ("admin", "central")


def test_users_page_shows_roles_with_their_labels(personas: dict[str, Persona],
                                                   login: Callable[..., TestClient]) -> None:
    client = login("node.admin")
    page = client.get("/users?lang=zh_Hans")
    assert page.status_code == 200
    assert "<td>民警</td>" in page.text  # the officer role, labelled from directory.role
    assert '<option value="officer">民警</option>' in page.text
