"""The hotline pages in a browser session: inbox with filters, new-request form, thread, review."""

from __future__ import annotations

from tests.integration.hotline.conftest import Pair, browser


def test_officer_sends_from_the_form_and_sees_the_thread(pair: Pair) -> None:
    client = browser(pair, "VN", "mongcai.officer")
    form = client.get("/hotline/new?lang=vi")
    assert form.status_code == 200
    assert "CN-GX-DONGXING" in form.text
    sent = client.post("/hotline/new", data={
        "kind": "assistance", "assistance_type": "verify_document", "subject": "Xác minh hộ chiếu E1234567",
        "body": "Đề nghị xác minh hộ chiếu của đối tượng.", "priority": "high", "offence_code": "07023",
        "handling_code": "H0", "recipient_unit_code": "CN-GX-DONGXING", "document_number": "E1234567",
    }, files={"attachment": ("scan.txt", b"passport scan", "text/plain")})
    assert sent.status_code == 303, sent.text
    thread = client.get(sent.headers["location"])
    assert thread.status_code == 200
    assert "Xác minh hộ chiếu E1234567" in thread.text
    assert "scan.txt" in thread.text
    inbox = client.get("/hotline?priority=high")
    assert "Xác minh hộ chiếu E1234567" in inbox.text
    assert client.get("/hotline?priority=urgent").text.count("Xác minh hộ chiếu") == 0
    listing = client.get("/hotline/inbox-list")
    assert listing.status_code == 200
    assert "<table" in listing.text


def test_form_errors_are_shown_not_raised(pair: Pair) -> None:
    client = browser(pair, "VN", "mongcai.officer")
    response = client.post("/hotline/new", data={
        "kind": "assistance", "subject": "Thiếu loại hỗ trợ", "body": "x", "priority": "high",
        "offence_code": "07023", "handling_code": "H0", "recipient_unit_code": "CN-GX-DONGXING",
    })
    assert response.status_code == 422
    assert "assistance_type" in response.text


def test_supervisor_reviews_held_requests_on_a_page(pair: Pair) -> None:
    officer = browser(pair, "VN", "mongcai.officer")
    sent = officer.post("/hotline/new", data={
        "kind": "information", "subject": "Nhóm biểu tình", "body": "Thông tin về nhóm biểu tình chính trị",
        "priority": "normal", "offence_code": "09051", "handling_code": "H0",
        "recipient_unit_code": "CN-GX-DONGXING",
    })
    assert sent.status_code == 303
    request_id = sent.headers["location"].split("?")[0].rsplit("/", 1)[1]
    commander = browser(pair, "VN", "mongcai.commander")
    queue = commander.get("/hotline/held")
    assert "Nhóm biểu tình" in queue.text
    # Withdrawing cannot be undone: the page asks first, and nothing changes until the answer.
    asked = commander.post(f"/hotline/requests/{request_id}/review?lang=en",
                           data={"decision": "withdraw", "note": "Không thuộc phạm vi"})
    assert asked.status_code == 200
    assert "Yes, withdraw this request" in asked.text
    assert "Không thuộc phạm vi" in asked.text
    assert commander.get(f"/api/v1/hotline/requests/{request_id}").json()["status"] == "held"
    withdrawn = commander.post(f"/hotline/requests/{request_id}/review",
                               data={"decision": "withdraw", "note": "Không thuộc phạm vi", "confirmed": "yes"})
    assert withdrawn.status_code == 303
    assert withdrawn.headers["location"] == "/hotline/held?done=withdrawn"
    said = commander.get("/hotline/held?lang=en&done=withdrawn").text
    assert "The request was withdrawn; it never leaves this node." in said
    assert "Nhóm biểu tình" not in commander.get("/hotline/held").text
    assert commander.get(f"/api/v1/hotline/requests/{request_id}").json()["status"] == "withdrawn"


def test_admin_sets_deadlines_in_minutes(pair: Pair) -> None:
    admin = browser(pair, "VN", "vn.admin")
    saved = admin.post("/hotline/deadlines", data={"urgent": 30, "high": 600, "normal": 4320, "low": 10080})
    assert saved.status_code == 303
    assert 'value="30"' in admin.get("/hotline/deadlines").text
    officer = browser(pair, "VN", "mongcai.officer")
    assert officer.get("/hotline/deadlines").status_code == 403
