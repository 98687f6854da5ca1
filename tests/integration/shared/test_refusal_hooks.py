"""The one refusal hook, as each domain declares it: a message of ours the other side refused shows
on the object it was about and brings the object back, unread, into our units' feeds."""

from __future__ import annotations

from fastapi.testclient import TestClient
from tests.support.factories import open_case
from tests.support.two_nodes import Pair

from borderlink.cases import sync
from borderlink.cases.contracts import CaseMessage
from borderlink.cases.domain import DOMAIN as CASES
from borderlink.cases.models import TIMELINE as CASE_TIMELINE
from borderlink.cases.models import JointCase
from borderlink.directory import service as directory
from borderlink.exchange.registry import refusal_hook_for
from borderlink.shared import workfeed
from borderlink.shared.refusals import ShowRefusal


def test_a_refused_case_shows_the_other_side_s_reason_and_comes_back_to_each_of_our_units_on_it(
    pair: Pair, clients: dict[str, TestClient]
) -> None:
    created = open_case(pair, clients)
    hook = CASES.refusal_hooks[CaseMessage]
    assert isinstance(hook, ShowRefusal)
    assert refusal_hook_for(CaseMessage.message_kind) is hook  # the descriptor's hook is the one the exchange calls
    with pair.vn.transaction() as session:
        case = session.get(JointCase, created["id"])
        assert case is not None
        for entry in workfeed.entries_of(session, workfeed.ObjectRef(CASE_TIMELINE.object_type, case.id)):
            entry.read_at = case.created_at
        hook(session, "00000000-0000-7000-8000-00000000000a", sync.case_message(session, case),
             "offence code 06012 is not on this node's allow-list")
        [refused] = [e for e in CASE_TIMELINE.events(session, case.id) if e.kind == "refused_by_peer"]
        assert refused.party == "CN"
        assert "allow-list" in (CASE_TIMELINE.render(refused) or "")
        entries = {directory.get_unit(session, e.unit_id).code: e
                   for e in workfeed.entries_of(session, workfeed.ObjectRef(CASE_TIMELINE.object_type, case.id))}
        assert set(entries) == {"VN-QN", "VN-QN-MONGCAI"}  # our two units on the case, not the other side's
        assert {e.reason for e in entries.values()} == {"refused"}
        assert all(e.unread for e in entries.values())
