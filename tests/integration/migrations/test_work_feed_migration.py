"""Upgrading moves every hotline inbox entry into the work feed, unread state and deadline kept."""

from __future__ import annotations

from sqlalchemy import text
from tests.integration.migrations.rows_before import stored_at

from borderlink import migrate

UNITS = """INSERT INTO units (id, code, party_code, tier, name_vi, name_zh, name_en, is_active)
VALUES ('u-post', 'VN-X-POST', 'VN', 'post', 'a', 'b', 'c', true),
       ('u-prov', 'VN-X', 'VN', 'provincial', 'a', 'b', 'c', true),
       ('u-cn', 'CN-X-POST', 'CN', 'post', 'a', 'b', 'c', true)"""
REQUEST = """INSERT INTO hotline_requests (id, owner_party, kind, subject, body, priority, offence_code, handling_code,
  "references", names_person, sender_unit_id, recipient_unit_id, author_name, status, created_at, escalation_level,
  escalation_done, screening_flags, search_text, updated_at)
VALUES (:id, 'VN', 'information', 's', 'b', :priority, '07023', 'H0', '[]', false, 'u-post', 'u-cn', 'a', 'sent',
  '2026-11-02 03:00:00', 0, false, '[]', '', '2026-11-02 03:00:00')"""
INBOX = """INSERT INTO hotline_inbox (unit_id, request_id, reason, deadline_at, created_at, updated_at, read_at)
VALUES (:unit, :request, :reason, :deadline, '2026-11-02 03:00:00', :updated, :read)"""


def test_inbox_entries_become_feed_entries_and_come_back_on_downgrade(empty_database: str) -> None:
    database_url = empty_database
    engine = stored_at(database_url, "0009", [
        (UNITS, None),
        (REQUEST, [{"id": "r-urgent", "priority": "urgent"}, {"id": "r-normal", "priority": "normal"}]),
        (INBOX, [
            {"unit": "u-post", "request": "r-urgent", "reason": "sent", "deadline": "2026-11-02 04:00:00",
             "updated": "2026-11-02 03:05:00", "read": "2026-11-02 03:01:00"},
            {"unit": "u-prov", "request": "r-urgent", "reason": "escalated", "deadline": None,
             "updated": "2026-11-02 03:06:00", "read": None},
            {"unit": "u-post", "request": "r-normal", "reason": "shared", "deadline": None,
             "updated": "2026-11-02 03:07:00", "read": None},
        ]),
    ])
    migrate.upgrade(database_url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT unit_id, object_type, object_id, reason, urgent, deadline_at IS NOT NULL, read_at IS NULL "
            "FROM work_feed ORDER BY id")).all()
    assert [tuple(r) for r in rows] == [
        ("u-post", "hotline.request", "r-urgent", "sent", True, True, False),
        ("u-prov", "hotline.request", "r-urgent", "escalated", True, False, True),
        ("u-post", "hotline.request", "r-normal", "shared", False, False, True),
    ]
    migrate.downgrade(database_url, "0009")
    with engine.connect() as conn:
        back = conn.execute(text("SELECT unit_id, request_id, reason FROM hotline_inbox ORDER BY id")).all()
    assert [tuple(r) for r in back] == [("u-post", "r-urgent", "sent"), ("u-prov", "r-urgent", "escalated"),
                                        ("u-post", "r-normal", "shared")]
    engine.dispose()
