"""The engagement pages in the three languages: planning through the form, the other side
confirming from the action at the top of the page, a patrol's round trip through its forms, a
commitment that will not close without a note, and outsiders meeting 404."""

from __future__ import annotations

import re

import icalendar
from tests.integration.hotline.conftest import Pair, browser


def _location(response: object) -> str:
    location = getattr(response, "headers", {}).get("location", "")
    assert location, getattr(response, "text", "")
    return str(location).split("?")[0]


def test_plan_confirm_and_hold_through_the_pages_in_three_languages(pair: Pair) -> None:
    vn = browser(pair, "VN", "bgc.analyst")
    form = vn.get("/engagements/new?lang=vi")
    assert form.status_code == 200
    assert "Hội nghị cấp Bộ trưởng về hợp tác phòng, chống tội phạm" in form.text  # the series by name
    made = vn.post("/engagements/new?lang=vi", data={
        "kind": "ministerial", "series": "ministerial_crime", "number": "7", "counterpart_unit_code": "CN-NIA",
        "starts_at": "2026-12-08T09:00", "ends_at": "2026-12-08T16:30", "place": "Hà Nội", "host_party": "VN",
        "vn_size": "24", "vn_officials": "Lương Tam Quang, Bộ trưởng", "cn_officials": "王小洪，部长",
        "agenda": "Ma túy\nLừa đảo viễn thông"})
    assert made.status_code == 303, made.text
    page = vn.get(_location(made) + "?lang=vi")
    assert "Hội nghị cấp Bộ trưởng về hợp tác phòng, chống tội phạm lần thứ 7" in page.text
    assert "2026-12-08 09:00–16:30 (Asia/Ho_Chi_Minh)" in page.text
    assert "2026-12-08 10:00–17:30 (Asia/Shanghai)" in page.text
    assert "Cục Quản lý Di dân Quốc gia Trung Quốc" in page.text  # units by name, not by code
    assert ">CN-NIA<" not in page.text
    engagement_id = _location(made).rsplit("/", 1)[-1]
    pair.pump()

    cn = browser(pair, "CN", "nia.analyst")
    received = cn.get(f"/engagements/{engagement_id}?lang=zh_Hans")
    assert "第7届打击犯罪合作部长级会议" in received.text
    # The answer the other side owes comes first on its page.
    assert received.text.index('value="confirm"') < received.text.index("Asia/Shanghai")
    confirmed = cn.post(f"/engagements/{engagement_id}/answer?lang=zh_Hans", data={"decision": "confirm"})
    assert confirmed.status_code == 303
    declined = cn.post(f"/engagements/{engagement_id}/answer?lang=zh_Hans", data={"decision": "decline"})
    assert declined.status_code == 422  # already confirmed: shown on the page, not a crash
    pair.pump()
    english = vn.get(f"/engagements/{engagement_id}?lang=en")
    assert "7th ministerial conference on crime prevention" in english.text
    assert "confirmed" in english.text

    held = vn.post(f"/engagements/{engagement_id}/held", data={
        "minutes_language": "vi", "minutes_text": "Hai bên thống nhất tuần tra chung.", "outcomes": "Ba bản ghi nhớ"})
    assert held.status_code == 303
    commitment = vn.post(f"/engagements/{engagement_id}/commitments", data={
        "text": "Trao đổi danh sách truy nã", "responsible_unit_code": "VN-QN", "due_on": "2026-12-31"})
    assert commitment.status_code == 303
    page = vn.get(f"/engagements/{engagement_id}?lang=vi").text
    [commitment_id] = re.findall(r'href="/engagements/commitments/([0-9a-f-]+)"', page)[:1]
    refused = vn.post(f"/engagements/commitments/{commitment_id}/notes?lang=vi", data={"text": " ", "close": "1"})
    assert refused.status_code == 422
    assert "Hãy nêu cam kết đã được thực hiện thế nào trước khi đóng." in refused.text
    closed = vn.post(f"/engagements/commitments/{commitment_id}/notes", data={"text": "Đã trao đổi", "close": "1"})
    assert closed.status_code == 303
    assert "đã hoàn thành" in vn.get(f"/engagements/commitments/{commitment_id}?lang=vi").text


def test_patrol_round_trip_through_the_forms(pair: Pair) -> None:
    mongcai, dongxing = browser(pair, "VN", "mongcai.officer"), browser(pair, "CN", "dongxing.officer")
    bad = mongcai.post("/engagements/patrols/new?lang=en", data={
        "counterpart_unit_code": "CN-GX-DONGXING", "starts_at": "2026-12-15T07:00", "ends_at": "2026-12-15T13:00",
        "marker_from": "north", "marker_to": "1089", "route": "Ka Long river"})
    assert bad.status_code == 422
    assert 'id="marker_from-error"' in bad.text
    made = mongcai.post("/engagements/patrols/new", data={
        "counterpart_unit_code": "CN-GX-DONGXING", "starts_at": "2026-12-15T07:00", "ends_at": "2026-12-15T13:00",
        "marker_from": "1088/2", "marker_to": "1089", "route": "Ka Long river",
        "participants": "Nguyễn Văn An, Thượng úy"})
    assert made.status_code == 303, made.text
    path = _location(made)
    pair.pump()
    page = dongxing.get(f"{path}?lang=zh_Hans")
    assert "1088/2–1089" in page.text
    assert "东兴出入境边防检查站" in page.text  # units by name
    answered = dongxing.post(f"{path}/answer", data={"decision": "accept", "participants": "王晓红，警官"})
    assert answered.status_code == 303
    pair.pump()
    assert mongcai.post(f"{path}/report", data={"summary": "Cột mốc 1089 bị hư hại", "incident_kind": "damaged_marker",
                                                "incident_marker": "1089"}).status_code == 303
    pair.pump()
    assert dongxing.post(f"{path}/report", data={"summary": "正常"}).status_code == 303
    pair.pump()
    done = mongcai.get(f"{path}?lang=vi").text
    assert "đã hoàn thành" in done
    assert "cột mốc bị hư hại" in done


def test_outsiders_get_404_on_pages_and_the_calendar_exports(pair: Pair) -> None:
    mongcai = browser(pair, "VN", "mongcai.officer")
    made = mongcai.post("/engagements/patrols/new", data={
        "counterpart_unit_code": "CN-GX-DONGXING", "starts_at": "2026-11-20T07:00", "ends_at": "2026-11-20T11:00",
        "marker_from": "1088/2", "marker_to": "1089", "route": "Ka Long river"})
    path = _location(made)
    assert browser(pair, "VN", "laocai.officer").get(path).status_code == 404
    month = mongcai.get("/engagements/calendar?month=2026-11&lang=en")
    assert month.status_code == 200
    assert "1088/2–1089" in month.text
    exported = mongcai.get("/engagements/calendar.ics?month=2026-11&lang=vi")
    [event] = list(icalendar.Calendar.from_ical(exported.content).walk("VEVENT"))
    assert str(event["summary"]).endswith("1088/2–1089")
    for language in ("vi", "zh_Hans", "en"):
        assert mongcai.get(f"/engagements?lang={language}").status_code == 200


def test_cancelling_an_engagement_asks_first(pair: Pair) -> None:
    vn = browser(pair, "VN", "bgc.analyst")
    made = vn.post("/engagements/new", data={
        "kind": "ministerial", "series": "ministerial_crime", "number": "8", "counterpart_unit_code": "CN-NIA",
        "starts_at": "2026-12-09T09:00", "ends_at": "2026-12-09T16:30", "place": "Hà Nội", "host_party": "VN"})
    assert made.status_code == 303, made.text
    path = _location(made)
    asked = vn.post(f"{path}/cancel?lang=zh_Hans", data={"cancel_note": "Hoãn sang năm sau"})
    assert asked.status_code == 200
    assert "Hoãn sang năm sau" in asked.text  # what was typed goes on to the answer
    assert 'name="confirmed" value="yes"' in asked.text
    assert "Hoãn sang năm sau" not in vn.get(path).text  # nothing changed yet
    done = vn.post(f"{path}/cancel", data={"cancel_note": "Hoãn sang năm sau", "confirmed": "yes"})
    assert done.status_code == 303, done.text
    assert "Hoãn sang năm sau" in vn.get(path).text
    assert browser(pair, "VN", "laocai.officer").post(f"{path}/cancel", data={"cancel_note": "x"}).status_code in (
        403, 404)
