"""An engagement's life across the border: planned by one side, confirmed by the other, held with
minutes; commitments falling due reach the responsible unit's work feed, and the next engagement in
the series starts from what is still open."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from tests.integration.engagements.conftest import Api
from tests.integration.hotline.conftest import Pair, browser

from borderlink.engagements import records
from borderlink.engagements.models import COMMITMENT
from borderlink.shared import workfeed

CONFERENCE: dict[str, Any] = {
    "kind": "ministerial", "series": "ministerial_crime", "number": 7,
    "starts_at": "2026-12-08T02:00:00Z", "ends_at": "2026-12-08T09:30:00Z",
    "place": "Hà Nội", "host_party": "VN", "counterpart_unit_code": "CN-NIA",
    "delegations": [
        {"party": "VN", "size": 24, "officials": [{"name": "Lương Tam Quang", "title": "Bộ trưởng"}]},
        {"party": "CN", "size": 18, "officials": [{"name": "王小洪", "title": "部长"}]},
    ],
    "agenda": ["Drug trafficking on the border", "Telecom fraud rings"],
}


def plan(analyst: Api, **changes: Any) -> dict[str, Any]:
    created: dict[str, Any] = analyst.post("/engagements", {**CONFERENCE, **changes}, expect=201)
    return created


def test_planned_by_one_side_confirmed_by_the_other_with_times_in_both_zones(pair: Pair, as_user: Any) -> None:
    vn, cn = as_user("VN", "bgc.analyst"), as_user("CN", "nia.analyst")
    created = plan(vn)
    assert created["title"] == "7th ministerial conference on crime prevention"
    assert created["status"] == "planned"
    assert created["local_times"]["VN"]["starts_at"] == "2026-12-08T09:00:00+07:00"
    assert created["local_times"]["CN"]["starts_at"] == "2026-12-08T10:00:00+08:00"
    assert created["officials"] == {"VN": 24, "CN": 18}
    pair.pump()

    received = cn.get(f"/engagements/{created['id']}")
    assert received["status"] == "planned"
    assert received["owner_party"] == "VN"
    assert received["local_times"] == created["local_times"]
    cn.post(f"/engagements/{created['id']}/confirm")
    vn.post(f"/engagements/{created['id']}/confirm", expect=422)  # the planning side does not confirm
    pair.pump()
    assert vn.get(f"/engagements/{created['id']}")["status"] == "confirmed"

    held = vn.post(f"/engagements/{created['id']}/held", {
        "minutes": [{"language": "vi", "text": "Hai bên thống nhất tăng cường tuần tra chung."},
                    {"language": "zh", "text": "双方同意加强联合巡逻。"}],
        "outcomes": ["Three MoUs signed"]})
    assert held["status"] == "held"
    pair.pump()
    copy = cn.get(f"/engagements/{created['id']}")
    assert copy["status"] == "held"
    assert [m["language"] for m in copy["minutes"]] == ["vi", "zh"]
    assert [e["kind"] for e in copy["timeline"]] == ["planned", "confirmed", "held"]


def test_a_past_due_commitment_reaches_the_responsible_unit_and_the_next_conference(pair: Pair, as_user: Any) -> None:
    vn, cn = as_user("VN", "bgc.analyst"), as_user("CN", "nia.analyst")
    seventh = plan(vn)
    overdue = vn.post("/commitments", {"engagement_id": seventh["id"], "text": "Exchange lists of wanted fugitives",
                                       "responsible_unit_code": "VN-QN", "due_on": "2026-10-31"}, expect=201)
    later = vn.post("/commitments", {"engagement_id": seventh["id"], "text": "Joint training on telecom fraud",
                                     "responsible_unit_code": "CN-GX", "due_on": "2027-06-30"}, expect=201)
    pair.pump()

    for party in ("VN", "CN"):
        with pair.node(party).transaction() as session:
            records.run_due(session, party, pair.clock.now())
    with pair.node("VN").transaction() as session:
        qn = workfeed.entries_of(session, workfeed.ObjectRef(COMMITMENT, overdue["id"]))
        assert any(e.reason == "due" and e.urgent for e in qn)
    province = as_user("VN", "qn.commander")
    due = province.get("/commitments", params={"due": "true"})
    assert [c["id"] for c in due] == [overdue["id"]]
    assert due[0]["overdue"] is True
    assert as_user("CN", "gx.commander").get("/commitments", params={"due": "true"}) == []

    eighth = cn.post("/engagements", {**CONFERENCE, "number": 8, "place": "Bắc Kinh 北京", "host_party": "CN",
                                      "counterpart_unit_code": "VN-BGC"}, expect=201)
    assert {c["id"] for c in eighth["previous_open_commitments"]} == {overdue["id"], later["id"]}
    assert eighth["previous_id"] == seventh["id"]

    refused = province.client.post(f"/api/v1/commitments/{overdue['id']}/close", headers=province.headers,
                                   json={"note": "  "})
    assert refused.status_code == 422
    assert refused.json()["field"] == "note"
    province.post(f"/commitments/{overdue['id']}/close", {"note": "Lists exchanged on 20 Nov", "evidence": "CV 118"})
    pair.pump()
    assert cn.get(f"/commitments/{overdue['id']}")["status"] == "closed"
    carried = cn.get(f"/engagements/{eighth['id']}")["previous_open_commitments"]
    assert [c["id"] for c in carried] == [later["id"]]


def test_agreements_are_linked_to_the_engagement_where_they_were_signed(pair: Pair, as_user: Any) -> None:
    vn, cn = as_user("VN", "bgc.analyst"), as_user("CN", "nia.analyst")
    conference = plan(vn)
    mou = vn.post("/agreements", {
        "engagement_id": conference["id"], "kind": "mou",
        "title_vi": "Bản ghi nhớ về hợp tác phòng, chống mua bán người",
        "title_zh": "关于合作打击拐卖人口的谅解备忘录",
        "title_en": "MoU on cooperation against trafficking in persons",
        "parties": ["Bộ Công an Việt Nam", "中华人民共和国公安部"],
        "signatories": [{"party": "VN", "name": "Lương Tam Quang"}, {"party": "CN", "name": "王小洪"}],
        "signed_on": "2026-12-08", "valid_from": "2026-12-08", "valid_until": "2031-12-07",
        "renewal": "renewed for 5 years unless denounced"}, expect=201)
    vn.post("/commitments", {"agreement_id": mou["id"], "text": "Name a contact point in each province",
                             "responsible_unit_code": "VN-BGC", "due_on": "2027-01-31"}, expect=201)
    pair.pump()
    copy = cn.get(f"/engagements/{conference['id']}")
    assert [a["title_zh"] for a in copy["agreements"]] == ["关于合作打击拐卖人口的谅解备忘录"]
    assert [c["text"] for c in copy["agreements"][0]["commitments"]] == ["Name a contact point in each province"]
    assert cn.get(f"/agreements/{mou['id']}")["valid_until"] == "2031-12-07"


def test_figures_count_engagements_held_and_officials_per_side(pair: Pair, as_user: Any) -> None:
    vn = as_user("VN", "bgc.analyst")
    held = plan(vn)
    vn.post(f"/engagements/{held['id']}/held", {})
    plan(vn, number=9, starts_at="2026-12-20T02:00:00Z", ends_at="2026-12-20T05:00:00Z")  # planned, not held
    figures = vn.get("/engagements/statistics", params={"from": "2026-12-01T00:00:00Z", "to": "2027-01-01T00:00:00Z"})
    assert figures["held"] == 1
    assert figures["officials"] == {"VN": 24, "CN": 18}
    assert figures["by_tier_and_kind"] == [{"tier": "central", "kind": "ministerial", "held": 1,
                                            "officials": {"VN": 24, "CN": 18}}]
    # A period given as plain dates, as a client types it, is read in UTC.
    by_dates = vn.get("/engagements/statistics", params={"from": "2026-12-01", "to": "2027-01-01"})
    assert by_dates["held"] == 1


def test_minutes_files_reach_the_other_side_with_the_same_bytes(pair: Pair, as_user: Any) -> None:
    vn, cn = as_user("VN", "bgc.analyst"), as_user("CN", "nia.analyst")
    conference = plan(vn)
    scan = b"%PDF-1.4\n% minutes of the 7th conference, signed copy\n%%EOF\n"
    added = vn.client.post(f"/api/v1/attachments/engagements.engagement/{conference['id']}", headers=vn.headers,
                           json={"filename": "bien-ban-hoi-nghi-7.pdf", "content_type": "application/pdf",
                                 "content_base64": base64.b64encode(scan).decode()})
    assert added.status_code == 201, added.text
    for named_with_a_path in ("../minutes.pdf", "scans/minutes.pdf", "C:\\scans\\minutes.pdf", ".minutes.pdf"):
        refused = vn.client.post(f"/api/v1/attachments/engagements.engagement/{conference['id']}",
                                 headers=vn.headers, json={"filename": named_with_a_path,
                                                           "content_base64": base64.b64encode(scan).decode()})
        assert refused.status_code == 422, named_with_a_path
        assert refused.json()["field"] == "filename"
        # In the reader's language (Móng Cái's officers read Vietnamese), beside the file name.
        assert refused.json()["detail"] == "Tên tệp không được chứa thư mục hoặc bắt đầu bằng dấu chấm."
    pair.pump()
    [copy] = cn.get(f"/attachments/engagements.engagement/{conference['id']}")
    assert copy["id"] == added.json()["id"]
    assert copy["sha256"] == hashlib.sha256(scan).hexdigest()
    assert copy["filename"] == "bien-ban-hoi-nghi-7.pdf"
    as_user("CN", "hekou.officer").get(f"/attachments/engagements.engagement/{conference['id']}", expect=404)
    page = browser(pair, "CN", "nia.analyst").get(f"/engagements/{conference['id']}?lang=zh_Hans")
    assert "bien-ban-hoi-nghi-7.pdf" in page.text
