"""The gates' demo content (data/demo_gates.json): a border pass, crossings recorded and checked
against the alerts, and a truck announced to the facing gate, which reaches it once both demo
nodes serve."""

from __future__ import annotations

import datetime as dt

from borderlink.gates import crossings, passes, pre_arrivals
from borderlink.gates.schemas import CrossingCreate, PassCreate, PreArrivalCreate
from borderlink.shared.demo_seed import DemoSeed, data_file


def seed_demo(demo: DemoSeed) -> None:
    content = demo.for_party(data_file("borderlink.gates", "demo_gates.json"))
    if not content:
        return
    for item in content["passes"]:
        passes.create_pass(demo.session, demo.principal(item["by"]), PassCreate.model_validate(item["pass"]), demo.now)
    for step, item in enumerate(content["crossings"]):
        when = demo.now - dt.timedelta(minutes=30 * (len(content["crossings"]) - step))
        data = CrossingCreate.model_validate({**item["crossing"], "crossed_at": when.isoformat()})
        crossings.record(demo.session, demo.principal(item["by"]), data, demo.now)
    for item in content["pre_arrivals"]:
        notice = dict(item["notice"])
        expected = demo.now + dt.timedelta(hours=notice.pop("expected_in_hours"))
        pre_arrivals.announce(demo.session, demo.principal(item["by"]),
                              PreArrivalCreate.model_validate({**notice, "expected_at": expected.isoformat()}),
                              demo.now)
