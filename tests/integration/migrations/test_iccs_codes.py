"""Stored offence codes are rewritten to the ICCS 1.0 code of the offence they named."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from borderlink import migrate
from borderlink.db import make_engine
from borderlink.safeguards.offences import allowed_offences

# offence codes stored before the allow-list followed ICCS -> what they are now
OLD_TO_NEW = {"06011": "06012", "06012": "06012", "06013": "06012", "07012": "07019", "08041": "08044",
              "08052": "08059", "09062": "09069", "02041": "02041", "07041": "07041"}


def _store_requests_at_revision_0004(url: str) -> None:
    """Rows as the schema of revision 0004 holds them (plain SQL: the models have moved on)."""
    now = dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC)
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO parties (code, name_vi, name_zh, name_en, is_local) "
                          "VALUES ('VN', 'Việt Nam', '越南', 'Viet Nam', true)"))
        conn.execute(text("INSERT INTO units (id, code, party_code, tier, name_vi, name_zh, name_en, is_active) "
                          "VALUES ('u1', 'VN-QN-MONGCAI', 'VN', 'POST', 'Móng Cái', '芒街', 'Mong Cai', true)"))
        for number, old in enumerate(OLD_TO_NEW):
            conn.execute(text(
                "INSERT INTO hotline_requests (id, owner_party, kind, subject, body, priority, offence_code, "
                "handling_code, \"references\", names_person, sender_unit_id, recipient_unit_id, author_name, "
                "status, created_at, escalation_level, escalation_done, screening_flags, search_text, updated_at) "
                "VALUES (:id, 'VN', 'information', 's', 'b', 'normal', :code, 'H0', '[]', false, 'u1', 'u1', "
                "'a', 'sent', :now, 0, false, '[]', '', :now)"),
                {"id": f"r{number}", "code": old, "now": now})
    engine.dispose()


def _stored_codes(url: str) -> dict[str, str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, offence_code FROM hotline_requests")).all()
    engine.dispose()
    return {row.id: row.offence_code for row in rows}


def test_upgrade_rewrites_stored_offence_codes_to_iccs(empty_database: str) -> None:
    migrate.upgrade(empty_database, revision="0004")
    _store_requests_at_revision_0004(empty_database)
    migrate.upgrade(empty_database)
    stored = _stored_codes(empty_database)
    assert stored == {f"r{number}": new for number, new in enumerate(OLD_TO_NEW.values())}
    assert set(stored.values()) <= set(allowed_offences())

