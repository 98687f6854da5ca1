"""Timeline details cross the border as message ids and are shown in each reader's language; the
API keeps the English text beside them."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from tests.integration.hotline.conftest import Pair, browser, token_headers
from tests.integration.hotline.test_escalation import escalate
from tests.integration.hotline.test_flow import send


def test_an_escalation_reaches_the_chinese_page_in_chinese_and_the_api_in_english(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    created = send(pair, clients)
    pair.pump()
    pair.clock.advance(dt.timedelta(minutes=61))
    assert escalate(pair) == 1
    pair.pump()

    view = clients["CN"].get(f"/api/v1/hotline/requests/{created['id']}",
                             headers=token_headers(pair, "CN", "dongxing.officer")).json()
    escalated = next(e for e in view["timeline"] if e["kind"] == "escalated")
    assert escalated["detail"] == "level 1: VN-QN / CN-GX"
    assert (escalated["message"], escalated["params"]) == ("level %(level)s: %(units)s",
                                                           {"level": 1, "units": "VN-QN / CN-GX"})

    page = browser(pair, "CN", "dongxing.officer").get(f"/hotline/requests/{created['id']}?lang=zh_Hans")
    assert page.status_code == 200
    assert "第1级：VN-QN / CN-GX" in page.text
    assert "level 1" not in page.text
    vietnamese = browser(pair, "VN", "mongcai.officer").get(f"/hotline/requests/{created['id']}?lang=vi")
    assert "cấp 1: VN-QN / CN-GX" in vietnamese.text
