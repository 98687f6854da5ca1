"""Who sees engagements and patrols (outsiders get 404), and the calendar in the viewer's zone with
its iCalendar export read back by a real iCalendar parser."""

from __future__ import annotations

import datetime as dt
from typing import Any

import icalendar
from tests.integration.engagements.test_engagements_flow import CONFERENCE
from tests.integration.engagements.test_patrols import PATROL
from tests.integration.hotline.conftest import Pair


def test_outsiders_get_404_and_roles_bound_what_each_may_do(pair: Pair, as_user: Any) -> None:
    mongcai = as_user("VN", "mongcai.officer")
    patrol = mongcai.post("/patrols", PATROL, expect=201)
    conference = as_user("VN", "bgc.analyst").post("/engagements", CONFERENCE, expect=201)
    pair.pump()

    laocai, hekou = as_user("VN", "laocai.officer"), as_user("CN", "hekou.officer")
    for outsider in (laocai, hekou):
        outsider.get(f"/patrols/{patrol['id']}", expect=404)
        outsider.get(f"/engagements/{conference['id']}", expect=404)
        assert outsider.get("/patrols")["items"] == []
    # The province above Móng Cái sees its post's patrol; the post does not see the ministry's conference.
    assert as_user("VN", "qn.commander").get(f"/patrols/{patrol['id']}")["id"] == patrol["id"]
    mongcai.get(f"/engagements/{conference['id']}", expect=404)
    # A viewer reads but does not act; an officer does not plan conferences.
    viewer = as_user("VN", "vn.viewer")
    assert viewer.get(f"/patrols/{patrol['id']}")["status"] == "proposed"
    viewer.post("/patrols", PATROL, expect=403)
    mongcai.post("/engagements", CONFERENCE, expect=403)
    as_user("VN", "vn.admin").get("/engagements", expect=403)


def test_month_view_in_the_viewers_zone_and_ical_export_parses(pair: Pair, as_user: Any) -> None:
    analyst = as_user("VN", "bgc.analyst")
    # 17:30 UTC on 30 November is already 1 December in Hà Nội (00:30) and Beijing (01:30).
    midnight = analyst.post("/engagements", {**CONFERENCE, "starts_at": "2026-11-30T17:30:00Z",
                                             "ends_at": "2026-11-30T20:00:00Z"}, expect=201)
    november = analyst.get("/calendar", params={"month": "2026-11"})
    december = analyst.get("/calendar", params={"month": "2026-12"})
    assert november["zone"] == "Asia/Ho_Chi_Minh"
    assert midnight["id"] not in [i["id"] for i in november["items"]]
    [item] = [i for i in december["items"] if i["id"] == midnight["id"]]
    assert item["starts_at"] == "2026-12-01T00:30:00+07:00"
    pair.pump()
    cn = as_user("CN", "nia.analyst")
    [seen] = [i for i in cn.get("/calendar", params={"month": "2026-12"})["items"] if i["id"] == midnight["id"]]
    assert seen["starts_at"] == "2026-12-01T01:30:00+08:00"

    response = analyst.client.get("/api/v1/calendar.ics", params={"month": "2026-12"}, headers=analyst.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    events = list(parsed.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["7th ministerial conference on crime prevention"]
    start = events[0].decoded("dtstart")
    assert start == dt.datetime(2026, 11, 30, 17, 30, tzinfo=dt.UTC)
    assert str(events[0]["uid"]) == f"{midnight['id']}@borderlink"
    assert str(events[0]["status"]) == "TENTATIVE"
