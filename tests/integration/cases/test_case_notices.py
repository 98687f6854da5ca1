"""After each form on a case's page, the page it comes back to says what was done, in the
reader's language, and only after that action."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.integration.cases.conftest import Pair, open_case
from tests.support.two_nodes import browser


def _done(response: object, outcome: str) -> str:
    location = str(getattr(response, "headers", {}).get("location", ""))
    assert location.endswith(f"?done={outcome}"), getattr(response, "text", "")
    return location


def test_case_forms_say_what_was_done_in_three_languages(pair: Pair, clients: dict[str, TestClient]) -> None:
    case = open_case(pair, clients)
    page = browser(pair, "VN", "qn.commander")
    path = f"/cases/{case['id']}"
    noted = page.post(f"{path}/notes", data={"body": "Theo dõi tuyến vận chuyển", "shared": "1"})
    assert "Ghi chú đã được thêm vào vụ án." in page.get(_done(noted, "note") + "&lang=vi").text
    added = page.post(f"{path}/units", data={"unit_code": "CN-NIA"})
    assert "单位已加入案件。" in page.get(_done(added, "unit") + "&lang=zh_Hans").text
    person = page.post(f"{path}/persons", data={"role": "suspect", "name": "Đỗ Văn Hùng"})
    assert "The person was added to the case." in page.get(_done(person, "person") + "&lang=en").text
    assert "The person was added to the case." not in page.get(f"{path}?lang=en").text
    assert "The person was added" not in page.get(f"{path}?done=nonsense&lang=en").text
