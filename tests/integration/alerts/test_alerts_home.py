"""An alert that asks for work shows on the home page of the units that hold it: its kind and
offence by name, the subject in each rendering, one click to open it; it leaves when it ends."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.integration.alerts.conftest import headers
from tests.integration.alerts.test_alerts_flow import WANTED, issue
from tests.integration.hotline.conftest import Pair
from tests.support.two_nodes import browser


def test_a_received_alert_is_on_the_central_units_home_page_until_it_is_withdrawn(
        pair: Pair, clients: dict[str, TestClient]) -> None:
    created = issue(clients, pair, WANTED)
    pair.pump()
    central = browser(pair, "VN", "bgc.analyst")
    home = central.get("/?lang=vi").text
    assert f'href="/alerts/{created["id"]}"' in home
    assert "王晓红 · Wáng Xiǎohóng · Vương Hiểu Hồng" in home
    assert "06012" not in home.split(f'/alerts/{created["id"]}')[1][:600]  # the offence by name, not code
    assert 'data-key="alerts.alert:' in home
    # A gate that the alert was not distributed to by name holds no feed entry for it.
    assert f'/alerts/{created["id"]}"' not in browser(pair, "VN", "laocai.officer").get("/").text
    withdrawn = clients["CN"].post(f"/api/v1/alerts/{created['id']}/withdraw", json={"note": "arrest cancelled"},
                                   headers=headers(pair, "CN", "nia.analyst"))
    assert withdrawn.status_code == 200, withdrawn.text
    pair.pump()
    assert f'href="/alerts/{created["id"]}"' not in central.get("/?lang=vi").text
