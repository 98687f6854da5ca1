"""The hotline inbox's search finds a person named in any script: the three renderings of one
name find each other, on the sending and on the receiving node, in the API and on the page,
and the search shows nothing the reader's units do not hold."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select
from tests.support.factories import request_body, send_request
from tests.support.two_nodes import Pair, browser, token_headers

from borderlink.shared import namesearch
from borderlink.shared.namesearch import NameKey

RENDERINGS = ("王晓红", "Vương Hiểu Hồng", "WANG XIAOHONG")


def _about(name: str, subject: str, **changes: Any) -> dict[str, Any]:
    return request_body(subject=subject, body="Wanted for trafficking, may cross today.",
                        references=[{"type": "person", "name": name, "birth_date": "1990-03-08"}], **changes)


def _send_renderings(pair: Pair, clients: dict[str, TestClient]) -> dict[str, str]:
    subjects = {name: f"Courier {word}" for name, word in zip(RENDERINGS, ("alpha", "bravo", "charlie"), strict=True)}
    for name, subject in subjects.items():
        send_request(pair, clients, _about(name, subject))
    send_request(pair, clients, _about("Nguyễn Văn An", "Someone else"))
    pair.pump()
    return subjects


def _found(clients: dict[str, TestClient], party: str, headers: dict[str, str], query: str) -> set[str]:
    answer = clients[party].get("/api/v1/hotline/inbox", params={"q": query}, headers=headers)
    assert answer.status_code == 200, answer.text
    return {item["subject"] for item in answer.json()["items"]}


def test_each_rendering_finds_all_three_on_both_nodes(pair: Pair, clients: dict[str, TestClient]) -> None:
    subjects = _send_renderings(pair, clients)
    expected = set(subjects.values())
    readers = {"VN": token_headers(pair, "VN", "mongcai.officer"), "CN": token_headers(pair, "CN", "dongxing.officer")}
    for party, headers in readers.items():
        for query in (*RENDERINGS, "Wang Xiaohong", "vuong hieu hong", "Xiaohong WANG"):
            assert _found(clients, party, headers, query) == expected, (party, query)
        assert _found(clients, party, headers, "阮文安") == {"Someone else"}
        assert _found(clients, party, headers, "Wang Xiaoming") == set()


def test_plain_text_search_still_finds_words(pair: Pair, clients: dict[str, TestClient]) -> None:
    _send_renderings(pair, clients)
    headers = token_headers(pair, "CN", "dongxing.officer")
    assert _found(clients, "CN", headers, "courier bravo") == {"Courier bravo"}
    assert _found(clients, "CN", headers, "trafficking") == {"Courier alpha", "Courier bravo", "Courier charlie",
                                                             "Someone else"}


def test_the_search_hides_what_the_readers_units_do_not_hold(pair: Pair, clients: dict[str, TestClient]) -> None:
    _send_renderings(pair, clients)
    send_request(pair, clients, _about("王晓红", "Lào Cai's own", recipient_unit_code="CN-YN-HEKOU"),
                 user="laocai.officer")
    pair.pump()
    dongxing = token_headers(pair, "CN", "dongxing.officer")
    hekou = token_headers(pair, "CN", "hekou.officer")
    assert "Lào Cai's own" not in _found(clients, "CN", dongxing, "WANG XIAOHONG")
    assert _found(clients, "CN", hekou, "Vương Hiểu Hồng") == {"Lào Cai's own"}
    mongcai = token_headers(pair, "VN", "mongcai.officer")
    assert "Lào Cai's own" not in _found(clients, "VN", mongcai, "王晓红")
    assert _found(clients, "VN", token_headers(pair, "VN", "laocai.officer"), "王晓红") == {"Lào Cai's own"}


def test_the_inbox_page_search_box_finds_other_scripts(pair: Pair, clients: dict[str, TestClient]) -> None:
    _send_renderings(pair, clients)
    page = browser(pair, "CN", "dongxing.officer").get("/hotline", params={"q": "WANG XIAOHONG"})
    assert page.status_code == 200
    assert 'value="WANG XIAOHONG"' in page.text
    for subject in ("Courier alpha", "Courier bravo", "Courier charlie"):
        assert subject in page.text
    assert "Someone else" not in page.text


def test_rebuilding_files_the_stored_names_again(pair: Pair, clients: dict[str, TestClient]) -> None:
    subjects = _send_renderings(pair, clients)
    with pair.cn.transaction() as session:
        filed = session.scalar(select(func.count()).select_from(NameKey))
        session.execute(delete(NameKey))
    headers = token_headers(pair, "CN", "dongxing.officer")
    assert _found(clients, "CN", headers, "Xiaohong Wang") == {"Courier charlie"}  # its own words only
    with pair.cn.transaction() as session:
        assert namesearch.rebuild(session.connection()) == filed
    assert _found(clients, "CN", headers, "Xiaohong Wang") == set(subjects.values())
