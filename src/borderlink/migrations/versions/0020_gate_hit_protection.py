"""gates: a hit on a protected person (a victim on a case or of a victim alert) routes to protection

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 06:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('gate_hits') as batch:
        batch.add_column(sa.Column('protected', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('gate_hits') as batch:
        batch.drop_column('protected')
