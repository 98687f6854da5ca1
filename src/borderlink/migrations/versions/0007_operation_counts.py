"""shared: operation counters (transaction retries, background job failures)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import borderlink.db

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('operation_counts',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.Column('last_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_detail', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('name', 'label', name=op.f('pk_operation_counts'))
    )


def downgrade() -> None:
    op.drop_table('operation_counts')
