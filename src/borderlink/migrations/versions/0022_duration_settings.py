"""shared: the durations a node administrator sets live in one table, whichever domain they are for

The hotline's response deadlines, the gate settings and the validity of alerts (kept in days until
now) move to `duration_settings`, each group under its name.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-04 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

_DAY = 86400


def upgrade() -> None:
    op.create_table('duration_settings',
    sa.Column('settings', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('settings', 'name', name=op.f('pk_duration_settings'))
    )
    op.execute("INSERT INTO duration_settings (settings, name, seconds) "
               "SELECT 'hotline.deadlines', priority, seconds FROM hotline_deadlines")
    op.execute("INSERT INTO duration_settings (settings, name, seconds) "
               "SELECT 'gates.settings', name, seconds FROM gate_settings")
    op.execute("INSERT INTO duration_settings (settings, name, seconds) "
               f"SELECT 'alerts.validity', kind, days * {_DAY} FROM alert_validity")
    op.drop_table('hotline_deadlines')
    op.drop_table('gate_settings')
    op.drop_table('alert_validity')


def downgrade() -> None:
    op.create_table('alert_validity',
    sa.Column('kind', sa.Enum('wanted', 'missing', 'victim', 'person_of_interest', 'document', 'vehicle', name='alertkind', native_enum=False, length=20), nullable=False),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_alert_validity'))
    )
    op.create_table('gate_settings',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_gate_settings'))
    )
    op.create_table('hotline_deadlines',
    sa.Column('priority', sa.Enum('urgent', 'high', 'normal', 'low', name='priority', native_enum=False, length=20), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('priority', name=op.f('pk_hotline_deadlines'))
    )
    op.execute("INSERT INTO hotline_deadlines (priority, seconds) "
               "SELECT name, seconds FROM duration_settings WHERE settings = 'hotline.deadlines'")
    op.execute("INSERT INTO gate_settings (name, seconds) "
               "SELECT name, seconds FROM duration_settings WHERE settings = 'gates.settings'")
    # Whole days, at least one, as the table held them.
    op.execute(f"INSERT INTO alert_validity (kind, days) SELECT name, "
               f"CASE WHEN seconds < {_DAY} THEN 1 ELSE seconds / {_DAY} END "
               "FROM duration_settings WHERE settings = 'alerts.validity'")
    op.drop_table('duration_settings')
