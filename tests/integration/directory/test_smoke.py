from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient


def test_health_answers_without_login(app_client: TestClient) -> None:
    response = app_client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "node": "VN", "database": "ok", "peers": []}


def test_units_api_lists_both_sides_with_counterparts(
    personas: object, bearer: Callable[[str], dict[str, str]], app_client: TestClient
) -> None:
    response = app_client.get("/api/v1/units", headers=bearer("mongcai.officer"))
    assert response.status_code == 200
    units = {u["code"]: u for u in response.json()}
    assert units["VN-QN-MONGCAI"]["counterpart_codes"] == ["CN-GX-DONGXING"]
    assert units["CN-GX-DONGXING"]["tier"] == "post"
    assert units["VN-QN-MONGCAI"]["parent_code"] == "VN-QN"


def test_pages_render_after_login(personas: object, login: Callable[[str], TestClient]) -> None:
    client = login("qn.commander")
    for lang, word in (("vi", "Móng Cái"), ("zh_Hans", "东兴"), ("en", "Dongxing")):
        page = client.get(f"/units?lang={lang}")
        assert page.status_code == 200
        assert word in page.text
