"""Upgrading moves the durations set in the three domains' tables into one, under each group's
name (an alert validity from days to seconds); downgrading puts them back where they were."""

from __future__ import annotations

from sqlalchemy import text
from tests.integration.migrations.rows_before import stored_at

from borderlink import migrate

STORED = "SELECT settings, name, seconds FROM duration_settings ORDER BY settings, name"


def test_the_durations_set_before_keep_their_values(empty_database: str) -> None:
    database_url = empty_database
    engine = stored_at(database_url, "0021", [
        ("INSERT INTO hotline_deadlines (priority, seconds) VALUES ('urgent', 1800)", None),
        ("INSERT INTO gate_settings (name, seconds) VALUES ('pass_stay', 172800)", None),
        ("INSERT INTO alert_validity (kind, days) VALUES ('wanted', 400)", None),
    ])
    migrate.upgrade(database_url)
    with engine.connect() as conn:
        assert [tuple(row) for row in conn.execute(text(STORED))] == [
            ("alerts.validity", "wanted", 400 * 86400), ("gates.settings", "pass_stay", 172800),
            ("hotline.deadlines", "urgent", 1800)]
    migrate.downgrade(database_url, "0021")
    with engine.connect() as conn:
        assert list(conn.execute(text("SELECT priority, seconds FROM hotline_deadlines"))) == [("urgent", 1800)]
        assert list(conn.execute(text("SELECT name, seconds FROM gate_settings"))) == [("pass_stay", 172800)]
        assert list(conn.execute(text("SELECT kind, days FROM alert_validity"))) == [("wanted", 400)]
    engine.dispose()
