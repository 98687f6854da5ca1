"""exchange: handler failures counted per envelope, so a failing one is dead-lettered

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 22:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import borderlink.db

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'exchange_handler_failures',
        sa.Column('envelope_id', sa.String(length=36), nullable=False),
        sa.Column('sender_party', sa.String(length=2), nullable=False),
        sa.Column('kind', sa.String(length=80), nullable=False),
        sa.Column('stream', sa.String(length=200), nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('first_failed_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_failed_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('envelope_id', name=op.f('pk_exchange_handler_failures')),
    )


def downgrade() -> None:
    op.drop_table('exchange_handler_failures')
