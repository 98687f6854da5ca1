"""Upgrading files the names of the victims already stored under their own name keys, and only
theirs; downgrading takes those keys out again."""

from __future__ import annotations

from sqlalchemy import text
from tests.integration.migrations.rows_before import stored_at

from borderlink import migrate

UNITS = """INSERT INTO units (id, code, party_code, tier, name_vi, name_zh, name_en, is_active)
VALUES ('u-prov', 'VN-X', 'VN', 'provincial', 'a', 'b', 'c', true)"""
CASE = """INSERT INTO cases (id, owner_party, handling_code, title, case_type, offence_codes, summary, lead_unit_id,
  status, legal_basis, jit_extensions, author_name, search_text, created_at, updated_at, version)
VALUES ('c-1', 'VN', 'H0', 't', 'trafficking_persons', '["02041"]', 's', 'u-prov', 'open', 'l', '[]', 'a', '',
  '2026-11-02 03:00:00', '2026-11-02 03:00:00', 1)"""
PERSON = """INSERT INTO case_persons (id, case_id, party, unit_code, author_name, created_at, role, name, other_names,
  description)
VALUES (:id, 'c-1', 'VN', 'VN-X', 'a', '2026-11-02 03:00:00', :role, :name, '[]', '')"""
KEYS = "SELECT DISTINCT object_id FROM name_search_keys WHERE object_type = 'cases.victim' ORDER BY object_id"


def test_the_victims_stored_before_get_their_name_keys(empty_database: str) -> None:
    database_url = empty_database
    engine = stored_at(database_url, "0020", [(UNITS, None), (CASE, None), (PERSON, [
        {"id": "p-victim", "role": "victim", "name": "王晓红"},
        {"id": "p-witness", "role": "witness", "name": "Phạm Minh Đức"}])])
    migrate.upgrade(database_url)
    with engine.connect() as conn:
        assert [row[0] for row in conn.execute(text(KEYS))] == ["p-victim"]
    migrate.downgrade(database_url, "0020")
    with engine.connect() as conn:
        assert list(conn.execute(text(KEYS))) == []
    engine.dispose()
