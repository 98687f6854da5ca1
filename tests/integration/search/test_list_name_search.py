"""The alerts, cases and handovers lists find a person named in any script: each rendering of one
name finds the items naming the others, on the node that wrote them and on the node that holds
their replicas, and the search shows nothing the reader may not see."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.support.two_nodes import Pair, browser, token_headers

RENDERINGS = ("王晓红", "Vương Hiểu Hồng", "WANG XIAOHONG")
QUERIES = (*RENDERINGS, "Xiaohong Wang", "vuong hieu hong")
WANTED: dict[str, Any] = {
    "kind": "wanted", "offence_code": "06012", "handling_code": "H1",
    "legal_basis": {"reference": "桂公逮字〔2026〕7号", "authority": "广西壮族自治区公安厅", "date": "2026-10-01"},
}
CASE: dict[str, Any] = {
    "case_type": "drug_trafficking", "offence_codes": ["06012"], "summary": "Couriers cross the river by night.",
    "unit_codes": ["CN-GX", "CN-GX-DONGXING", "VN-QN-MONGCAI"],
    "legal_basis": "2001 agreement on crime prevention between the two ministries",
}


def _api(pair: Pair, clients: dict[str, TestClient], party: str, user: str, method: str, path: str,
         expect: int = 200, **kwargs: Any) -> Any:
    response = clients[party].request(method, f"/api/v1{path}", headers=token_headers(pair, party, user), **kwargs)
    assert response.status_code == expect, response.text
    return response.json()


def _listed(pair: Pair, clients: dict[str, TestClient], party: str, user: str, path: str, query: str,
            label: str) -> set[str]:
    return {item[label] for item in _api(pair, clients, party, user, "GET", path, params={"q": query})["items"]}


# --- alerts -------------------------------------------------------------------------------------

def _issue(pair: Pair, clients: dict[str, TestClient], party: str, user: str, name: str, birth_date: str,
           **changes: Any) -> str:
    body = {**WANTED, "person": {"names": [name], "birth_date": birth_date}, **changes}
    created: str = _api(pair, clients, party, user, "POST", "/alerts", 201, json=body)["id"]
    return created


def test_the_alerts_list_finds_each_rendering_on_both_nodes(pair: Pair, clients: dict[str, TestClient]) -> None:
    seniors_only = _issue(pair, clients, "CN", "nia.analyst", "王晓红", "1988-03-14",
                          distribution="provincial_and_central")
    everyone = _issue(pair, clients, "CN", "nia.analyst", "WANG XIAOHONG", "1991-07-02")
    own = _issue(pair, clients, "VN", "qn.commander", "Vương Hiểu Hồng", "1979-11-30")
    other = _issue(pair, clients, "VN", "qn.commander", "Nguyễn Văn An", "1980-01-01")
    pair.pump()
    for query in QUERIES:
        assert _listed(pair, clients, "VN", "qn.commander", "/alerts", query, "id") == {seniors_only, everyone, own}
        assert _listed(pair, clients, "CN", "nia.analyst", "/alerts", query, "id") == {seniors_only, everyone, own}
        # A post does not see what the other side gave the provinces and the centre only.
        assert _listed(pair, clients, "VN", "mongcai.officer", "/alerts", query, "id") == {everyone, own}
    assert _listed(pair, clients, "VN", "qn.commander", "/alerts", "阮文安", "id") == {other}
    page = browser(pair, "VN", "mongcai.officer").get("/alerts", params={"q": "王晓红"})
    assert page.status_code == 200
    assert f"/alerts/{everyone}" in page.text
    assert f"/alerts/{own}" in page.text
    assert f"/alerts/{seniors_only}" not in page.text
    assert f"/alerts/{other}" not in page.text


# --- cases ----------------------------------------------------------------------------------------

def _case_naming(pair: Pair, clients: dict[str, TestClient], title: str, name: str, role: str = "suspect",
                 party: str = "VN", user: str = "qn.commander") -> str:
    case = _api(pair, clients, "VN", "qn.commander", "POST", "/cases", 201, json={**CASE, "title": title})
    pair.pump()
    _api(pair, clients, party, user, "POST", f"/cases/{case['id']}/persons", 201, json={"role": role, "name": name})
    pair.pump()
    return str(case["id"])


def test_the_cases_list_finds_each_rendering_and_never_a_protected_persons_name(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    _case_naming(pair, clients, "Route alpha", "王晓红")
    _case_naming(pair, clients, "Route bravo", "Vương Hiểu Hồng")
    _case_naming(pair, clients, "Route charlie", "WANG XIAOHONG", party="CN", user="dongxing.officer")
    _case_naming(pair, clients, "Route delta", "Nguyễn Văn An")
    _case_naming(pair, clients, "Route echo", "王晓红", role="victim")
    routes = {"Route alpha", "Route bravo", "Route charlie"}
    for query in QUERIES:
        assert _listed(pair, clients, "VN", "qn.commander", "/cases", query, "title") == routes
        assert _listed(pair, clients, "CN", "dongxing.officer", "/cases", query, "title") == routes
        assert _listed(pair, clients, "VN", "laocai.officer", "/cases", query, "title") == set()
    # The victim's case is found by no rendering of her name, on either node.
    assert "Route echo" not in _listed(pair, clients, "VN", "qn.commander", "/cases", "WANG XIAOHONG", "title")
    assert _listed(pair, clients, "VN", "qn.commander", "/cases", "阮文安", "title") == {"Route delta"}
    assert _listed(pair, clients, "VN", "qn.commander", "/cases", "route bravo", "title") == {"Route bravo"}
    page = browser(pair, "CN", "dongxing.officer").get("/cases", params={"q": "Vương Hiểu Hồng"})
    assert page.status_code == 200
    assert all(route in page.text for route in routes)
    assert "Route delta" not in page.text


# --- handovers ------------------------------------------------------------------------------------

def _propose(pair: Pair, clients: dict[str, TestClient], case_id: str, name: str,
             other_names: tuple[str, ...] = ()) -> str:
    body = {"kind": "fugitive", "case_id": case_id, "gate_code": "VN-QN-MONGCAI", "planned_at": "2026-11-03T02:00:00Z",
            "persons": [{"name": name, "other_names": list(other_names), "birth_date": "1979-03-02",
                         "nationality": "CHN", "gender": "M"}]}
    created: str = _api(pair, clients, "VN", "qn.commander", "POST", "/handovers", 201, json=body)["id"]
    pair.pump()
    return created


def test_the_handovers_list_finds_each_rendering_on_both_nodes(pair: Pair, clients: dict[str, TestClient]) -> None:
    case_id = _case_naming(pair, clients, "Route foxtrot", "陈大龙")
    handovers = {_propose(pair, clients, case_id, name) for name in RENDERINGS}
    aliased = _propose(pair, clients, case_id, "陈大龙", ("Vương Hiểu Hồng",))
    other = _propose(pair, clients, case_id, "Nguyễn Văn An")
    for query in QUERIES:
        assert _listed(pair, clients, "VN", "qn.commander", "/handovers", query, "id") == handovers | {aliased}
        assert _listed(pair, clients, "CN", "dongxing.officer", "/handovers", query, "id") == handovers | {aliased}
        assert _listed(pair, clients, "CN", "hekou.officer", "/handovers", query, "id") == set()
    assert _listed(pair, clients, "CN", "dongxing.officer", "/handovers", "阮文安", "id") == {other}
    page = browser(pair, "VN", "mongcai.officer").get("/handovers", params={"q": "WANG XIAOHONG"})
    assert page.status_code == 200
    assert 'value="WANG XIAOHONG"' in page.text
    assert all(f"/handovers/{found}" in page.text for found in handovers)
    assert f"/handovers/{other}" not in page.text
