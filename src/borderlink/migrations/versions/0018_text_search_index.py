"""hotline: indexes for the filtered inbox on PostgreSQL

`LIKE '%word%'` over a request's folded text read every request in scope; pg_trgm's GIN index
finds the few that contain a rare word (a document number, a plate) directly. A covering index
on the id carries the columns the inbox filters on, so counting a unit's unread requests under a
filter reads no request rows. SQLite keeps reading the rows.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 02:50:00.000000
"""

from __future__ import annotations

from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    op.create_index('ix_hotline_requests_search_text', 'hotline_requests', ['search_text'], unique=False,
                    postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})
    op.create_index('ix_hotline_requests_listing', 'hotline_requests', ['id'], unique=False,
                    postgresql_include=['status', 'priority', 'offence_code', 'owner_party', 'sender_unit_id',
                                        'recipient_unit_id', 'deadline_at'])


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.drop_index('ix_hotline_requests_listing', table_name='hotline_requests')
    op.drop_index('ix_hotline_requests_search_text', table_name='hotline_requests')
