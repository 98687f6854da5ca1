"""Demo alerts: a few of each side, issued by its central analyst (data/demo_alerts.json), so a new
user sees the alerts list, the other side's replicas (delivered once both demo nodes serve) and
screening hits."""

from __future__ import annotations

from borderlink.alerts import service
from borderlink.alerts.schemas import AlertIn
from borderlink.shared.demo_seed import DemoSeed, data_file


def seed_demo(demo: DemoSeed) -> None:
    data = demo.for_party(data_file("borderlink.alerts", "demo_alerts.json"))
    issuer = demo.principal(data["issuer"])
    for item in data["alerts"]:
        service.create_alert(demo.session, issuer, AlertIn.model_validate(item), demo.now)
