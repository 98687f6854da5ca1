"""The hotline's demo content: each demo node sends its counterpart post a few requests (from
data/demo_requests.json); they cross the border once both demo nodes serve."""

from __future__ import annotations

from borderlink.hotline import service
from borderlink.hotline.schemas import RequestCreate
from borderlink.shared.demo_seed import DemoSeed, data_file


def seed_demo(demo: DemoSeed) -> None:
    for item in demo.for_party(data_file("borderlink.hotline", "demo_requests.json")):
        sender = demo.principal(item["sender"])
        service.create_request(demo.session, sender, RequestCreate.model_validate(item["request"]), demo.now)
