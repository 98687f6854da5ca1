"""After each action on an engagement, a patrol or a commitment, the page it comes back to says
what was done, in the reader's language."""

from __future__ import annotations

from tests.integration.hotline.conftest import Pair, browser
from tests.support.live_streams import frames_after

from borderlink.engagements.models import ENGAGEMENT, PATROL
from borderlink.web.streams import object_events


def _done(response: object, outcome: str) -> str:
    """The address the action came back to, checked to carry the outcome's notice."""
    location = str(getattr(response, "headers", {}).get("location", ""))
    assert location.endswith(f"?done={outcome}"), getattr(response, "text", "")
    return location


def test_a_patrol_round_trip_says_what_was_done_in_three_languages(pair: Pair) -> None:
    mongcai = browser(pair, "VN", "mongcai.officer")
    made = mongcai.post("/engagements/patrols/new", data={
        "counterpart_unit_code": "CN-GX-DONGXING", "starts_at": "2026-11-24T07:00", "ends_at": "2026-11-24T11:00",
        "marker_from": "1090", "marker_to": "1091", "route": "Bắc Luân bridge", "participants": "Phạm Văn Bình"})
    shown = mongcai.get(_done(made, "proposed") + "&lang=vi")
    assert "Cuộc tuần tra đã được đề xuất với phía bên kia." in shown.text
    path = _done(made, "proposed").split("?")[0]
    pair.pump()

    dongxing = browser(pair, "CN", "dongxing.officer")
    accepted = dongxing.post(f"{path}/answer", data={"decision": "accept", "participants": "李明"})
    assert "您已接受巡逻；对方可以看到。" in dongxing.get(_done(accepted, "accepted") + "&lang=zh_Hans").text
    pair.pump()

    reported = mongcai.post(f"{path}/report", data={"summary": "Quiet stretch of river."})
    page = mongcai.get(_done(reported, "reported") + "&lang=en")
    assert "Your patrol report was filed." in page.text
    assert "Your patrol report was filed." not in mongcai.get(f"{path}?lang=en").text  # only after the action


def test_an_engagement_and_its_commitment_say_what_was_done(pair: Pair) -> None:
    vn = browser(pair, "VN", "bgc.analyst")
    made = vn.post("/engagements/new", data={
        "kind": "ministerial", "series": "ministerial_crime", "number": "11", "counterpart_unit_code": "CN-NIA",
        "starts_at": "2026-12-15T09:00", "ends_at": "2026-12-15T16:30", "place": "Hà Nội", "host_party": "VN"})
    assert "The engagement was planned and sent to the other side." in vn.get(_done(made, "planned") + "&lang=en").text
    path = _done(made, "planned").split("?")[0]
    pair.pump()
    cn = browser(pair, "CN", "nia.analyst")
    confirmed = cn.post(f"{path}/answer", data={"decision": "confirm", "note": ""})
    assert "您已确认会晤；对方可以看到。" in cn.get(_done(confirmed, "confirmed") + "&lang=zh_Hans").text
    pair.pump()
    held = vn.post(f"{path}/held", data={"minutes_language": "vi", "minutes_text": "Hai bên thống nhất.",
                                          "outcomes": "Trao đổi thông tin"})
    assert "Cuộc hội đàm đã được ghi nhận là đã diễn ra." in vn.get(_done(held, "held") + "&lang=vi").text


def test_engagement_and_patrol_streams_open_only_to_who_may_see_them(pair: Pair) -> None:
    mongcai = browser(pair, "VN", "mongcai.officer")
    made = mongcai.post("/engagements/patrols/new", data={
        "counterpart_unit_code": "CN-GX-DONGXING", "starts_at": "2026-11-26T07:00", "ends_at": "2026-11-26T11:00",
        "marker_from": "1092", "marker_to": "1093", "route": "Ka Long bank"})
    patrol_path = _done(made, "proposed").split("?")[0]
    assert f'data-live-stream="{patrol_path}/stream"' in mongcai.get(patrol_path).text
    assert browser(pair, "VN", "laocai.officer").get(f"{patrol_path}/stream").status_code == 404
    vn = browser(pair, "VN", "bgc.analyst")
    planned = vn.post("/engagements/new", data={
        "kind": "ministerial", "series": "ministerial_crime", "number": "12", "counterpart_unit_code": "CN-NIA",
        "starts_at": "2026-12-16T09:00", "ends_at": "2026-12-16T16:30", "place": "Hà Nội", "host_party": "VN"})
    engagement_path = _done(planned, "planned").split("?")[0]
    assert f'data-live-stream="{engagement_path}/stream"' in vn.get(engagement_path).text
    assert browser(pair, "VN", "laocai.officer").get(f"{engagement_path}/stream").status_code == 404


def test_the_other_sides_answer_reaches_the_open_patrol_and_engagement_pages(pair: Pair) -> None:
    """What the other node does arrives through the exchange and is pushed to the open page's
    stream (the other side's own step was taken before the page listened)."""
    mongcai = browser(pair, "VN", "mongcai.officer")
    made = mongcai.post("/engagements/patrols/new", data={
        "counterpart_unit_code": "CN-GX-DONGXING", "starts_at": "2026-11-27T07:00", "ends_at": "2026-11-27T11:00",
        "marker_from": "1094", "marker_to": "1095", "route": "Trà Cổ beach road"})
    patrol_path = _done(made, "proposed").split("?")[0]
    pair.pump()
    dongxing = browser(pair, "CN", "dongxing.officer")
    dongxing.post(f"{patrol_path}/answer", data={"decision": "accept", "participants": ""})
    patrol_id = patrol_path.rsplit("/", 1)[-1]
    heard = frames_after(object_events(PATROL, patrol_id, "patrol", keepalive=30), pair.pump)
    assert [frame.split("\n", 1)[0] for frame in heard] == ["event: patrol"], heard

    vn = browser(pair, "VN", "bgc.analyst")
    planned = vn.post("/engagements/new", data={
        "kind": "ministerial", "series": "ministerial_crime", "number": "12", "counterpart_unit_code": "CN-NIA",
        "starts_at": "2026-12-16T09:00", "ends_at": "2026-12-16T16:30", "place": "Hà Nội", "host_party": "VN"})
    engagement_path = _done(planned, "planned").split("?")[0]
    pair.pump()
    browser(pair, "CN", "nia.analyst").post(f"{engagement_path}/answer", data={"decision": "confirm", "note": ""})
    engagement_id = engagement_path.rsplit("/", 1)[-1]
    heard = frames_after(object_events(ENGAGEMENT, engagement_id, "engagement", keepalive=30), pair.pump)
    assert [frame.split("\n", 1)[0] for frame in heard] == ["event: engagement"], heard
