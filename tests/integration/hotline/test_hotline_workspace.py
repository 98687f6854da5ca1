"""The hotline pages as an officer's workspace: units and offences by name (their codes as
tooltips), a person's name in each rendering, the deadline on both sides' clocks, a success
message after each action and a confirmation before closing."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from tests.integration.hotline.conftest import Pair, browser

MONG_CAI = '<span class="named" title="VN-QN-MONGCAI">Móng Cái International Border Gate Post</span>'
DONGXING = '<span class="named" title="CN-GX-DONGXING">东兴出入境边防检查站</span>'
HEROIN = '<span class="named" title="06012">Unlawful trafficking, cultivation or production'


def _send_from_the_form(client: TestClient) -> str:
    sent = client.post("/hotline/new", data={
        "kind": "urgent_alert", "subject": "Courier crossing tonight", "body": "Heroin courier, 2 kg.",
        "priority": "urgent", "offence_code": "06012", "handling_code": "H0",
        "recipient_unit_code": "CN-GX-DONGXING", "person_name": "王晓红", "person_birth_date": "1990-03-08",
    })
    assert sent.status_code == 303, sent.text
    location: str = sent.headers["location"]
    assert location.endswith("?done=sent")
    return location.split("?")[0].rsplit("/", 1)[1]


def _done(page: str) -> str:
    found = re.search(r'<div class="flash ok" role="status">([^<]+)</div>', page)
    assert found, "no success message"
    return html.unescape(found.group(1))


def test_the_request_page_names_units_offences_and_every_rendering(pair: Pair) -> None:
    client = browser(pair, "VN", "mongcai.officer")
    request_id = _send_from_the_form(client)
    page = client.get(f"/hotline/requests/{request_id}?lang=en&done=sent").text
    assert _done(page) == "The request was sent to the other side."
    assert MONG_CAI in page
    assert '<span class="named" title="CN-GX-DONGXING">Dongxing Border Inspection Station</span>' in page
    assert HEROIN in page
    assert "王晓红 · Wáng Xiǎohóng · Vương Hiểu Hồng" in page
    # The deadline on both sides' clocks: an hour apart, each with its offset.
    both = re.search(r'<span class="muted side-times">\(Vietnam: ([^)]*\(UTC\+7\)) · China: ([^)]*\(UTC\+8\))\)', page)
    assert both, "the deadline is not shown on both sides' clocks"
    assert "?done=" not in client.get(f"/hotline/requests/{request_id}").text  # no message without an action


def test_the_inbox_lists_units_and_offences_by_name(pair: Pair) -> None:
    client = browser(pair, "VN", "mongcai.officer")
    _send_from_the_form(client)
    pair.pump()
    dongxing = browser(pair, "CN", "dongxing.officer")
    inbox = dongxing.get("/hotline?lang=zh_Hans").text
    assert '<span class="named" title="VN-QN-MONGCAI">芒街国际口岸边防站</span>' in inbox
    assert '<span class="named" title="06012">非为个人消费的非法贩运' in inbox
    assert '<option value="VN-QN-MONGCAI" title="VN-QN-MONGCAI" >芒街国际口岸边防站</option>' in inbox
    assert "<td>VN-QN-MONGCAI</td>" not in inbox


def test_each_action_says_it_was_done_and_closing_asks_first(pair: Pair) -> None:
    officer = browser(pair, "VN", "mongcai.officer")
    request_id = _send_from_the_form(officer)
    pair.pump()
    dongxing = browser(pair, "CN", "dongxing.officer")
    acknowledged = dongxing.post(f"/hotline/requests/{request_id}/acknowledge")
    assert acknowledged.headers["location"] == f"/hotline/requests/{request_id}?done=acknowledged"
    assert _done(dongxing.get(acknowledged.headers["location"] + "&lang=en").text) == \
        "You acknowledged the request; the other side sees it."
    replied = dongxing.post(f"/hotline/requests/{request_id}/reply", data={"body": "已布控。"})
    assert replied.headers["location"].endswith("?done=replied")
    assert _done(dongxing.get(replied.headers["location"] + "&lang=vi").text) == \
        "Trả lời của bạn đã được gửi sang phía bên kia."
    pair.pump()

    thread = officer.get(f"/hotline/requests/{request_id}?lang=en").text
    assert f'href="/hotline/requests/{request_id}/close"' in thread
    assert f'action="/hotline/requests/{request_id}/close"' not in thread  # one click does not close
    asked = officer.get(f"/hotline/requests/{request_id}/close?lang=en")
    assert asked.status_code == 200
    assert "This cannot be undone." in asked.text
    assert f'action="/hotline/requests/{request_id}/close"' in asked.text
    assert f'href="/hotline/requests/{request_id}"' in asked.text  # the way back, nothing done
    assert officer.get(f"/api/v1/hotline/requests/{request_id}").json()["status"] == "answered"
    closed = officer.post(f"/hotline/requests/{request_id}/close")
    assert closed.headers["location"].endswith("?done=closed")
    assert _done(officer.get(closed.headers["location"] + "&lang=zh_Hans").text) == "请求已在双方关闭。"
    assert officer.get(f"/api/v1/hotline/requests/{request_id}").json()["status"] == "closed"
    # The receiving side cannot close it, so it is never asked to: the page refuses as the close does.
    pair.pump()
    asked = dongxing.get(f"/hotline/requests/{request_id}/close?lang=en")
    posted = dongxing.post(f"/hotline/requests/{request_id}/close?lang=en")
    assert asked.status_code == posted.status_code == 422
    for answer in (asked, posted):
        assert "Only the sending side closes a request." in answer.text
        assert "This cannot be undone." not in answer.text
    asked_again = officer.get(f"/hotline/requests/{request_id}/close?lang=en")
    assert asked_again.status_code == officer.post(f"/hotline/requests/{request_id}/close").status_code == 422
    assert "This request is not open." in asked_again.text
