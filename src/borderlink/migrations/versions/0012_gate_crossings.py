"""gates: crossings with their automatic check, hits answered by the alert's owner, gate settings

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 02:17:43.110013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import borderlink.db

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('gate_settings',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('seconds', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_gate_settings'))
    )
    op.create_table('gate_crossings',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('gate_unit_id', sa.String(length=36), nullable=False),
    sa.Column('direction', sa.Enum('entry', 'exit', name='direction', native_enum=False, length=20), nullable=False),
    sa.Column('crossed_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lane_code', sa.String(length=20), nullable=True),
    sa.Column('officer_user_id', sa.String(length=36), nullable=True),
    sa.Column('officer_name', sa.String(length=200), nullable=False),
    sa.Column('surname', sa.String(length=200), nullable=True),
    sa.Column('given_names', sa.String(length=200), nullable=True),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('birth_date', sa.String(length=10), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('nationality', sa.String(length=3), nullable=True),
    sa.Column('document_type', sa.Enum('passport', 'id_card', 'travel_document', 'visa', 'border_pass', 'other', name='documenttype', native_enum=False, length=20), nullable=True),
    sa.Column('document_number', sa.String(length=40), nullable=True),
    sa.Column('issuing_state', sa.String(length=3), nullable=True),
    sa.Column('document_expiry', sa.String(length=10), nullable=True),
    sa.Column('document_expired', sa.Boolean(), nullable=False),
    sa.Column('mrz_format', sa.String(length=5), nullable=True),
    sa.Column('purpose', sa.Enum('tourism', 'business', 'trade', 'work', 'family', 'transit', 'border_resident', 'other', name='purpose', native_enum=False, length=20), nullable=True),
    sa.Column('vehicle_plate', sa.String(length=20), nullable=True),
    sa.Column('border_pass', sa.String(length=40), nullable=True),
    sa.Column('traveller_key', sa.String(length=64), nullable=False),
    sa.Column('check_result', sa.Enum('clear', 'hit', name='checkresult', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['gate_unit_id'], ['units.id'], name=op.f('fk_gate_crossings_gate_unit_id_units')),
    sa.ForeignKeyConstraint(['officer_user_id'], ['users.id'], name=op.f('fk_gate_crossings_officer_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_crossings'))
    )
    with op.batch_alter_table('gate_crossings', schema=None) as batch_op:
        batch_op.create_index('ix_gate_crossings_gate_time', ['gate_unit_id', 'crossed_at'], unique=False)
        batch_op.create_index('ix_gate_crossings_traveller', ['traveller_key', 'crossed_at'], unique=False)

    op.create_table('gate_hits',
    sa.Column('crossing_id', sa.String(length=36), nullable=True),
    sa.Column('gate_unit_id', sa.String(length=36), nullable=False),
    sa.Column('alert_id', sa.String(length=36), nullable=False),
    sa.Column('alert_party', sa.String(length=2), nullable=False),
    sa.Column('alert_unit_id', sa.String(length=36), nullable=False),
    sa.Column('alert_kind', sa.String(length=30), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('subject', sa.Enum('person', 'document', 'vehicle', name='subject', native_enum=False, length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('crossing', sa.JSON(), nullable=False),
    sa.Column('traveller_key', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('pending', 'rejected', 'confirmed', name='hitstatus', native_enum=False, length=20), nullable=False),
    sa.Column('deadline_at', borderlink.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('escalation_level', sa.Integer(), nullable=False),
    sa.Column('escalation_done', sa.Boolean(), nullable=False),
    sa.Column('answer_note', sa.Text(), nullable=True),
    sa.Column('answered_at', borderlink.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answered_by', sa.String(length=80), nullable=True),
    sa.Column('outcome', sa.Enum('held', 'protected', 'document_seized', 'discreet_report', 'released', name='outcome', native_enum=False, length=20), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('outcome_at', borderlink.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_party', sa.String(length=2), nullable=False),
    sa.Column('handling_code', sa.Enum('H0', 'H1', 'H2', 'H3', name='handlingcode', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['alert_unit_id'], ['units.id'], name=op.f('fk_gate_hits_alert_unit_id_units')),
    sa.ForeignKeyConstraint(['crossing_id'], ['gate_crossings.id'], name=op.f('fk_gate_hits_crossing_id_gate_crossings')),
    sa.ForeignKeyConstraint(['gate_unit_id'], ['units.id'], name=op.f('fk_gate_hits_gate_unit_id_units')),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['units.id'], name=op.f('fk_gate_hits_owner_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_hits'))
    )
    with op.batch_alter_table('gate_hits', schema=None) as batch_op:
        batch_op.create_index('ix_gate_hits_alert_traveller', ['alert_id', 'traveller_key', 'status'], unique=False)
        batch_op.create_index('ix_gate_hits_crossing', ['crossing_id'], unique=False)
        batch_op.create_index('ix_gate_hits_status_deadline', ['status', 'deadline_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('gate_hits', schema=None) as batch_op:
        batch_op.drop_index('ix_gate_hits_status_deadline')
        batch_op.drop_index('ix_gate_hits_crossing')
        batch_op.drop_index('ix_gate_hits_alert_traveller')

    op.drop_table('gate_hits')
    with op.batch_alter_table('gate_crossings', schema=None) as batch_op:
        batch_op.drop_index('ix_gate_crossings_traveller')
        batch_op.drop_index('ix_gate_crossings_gate_time')

    op.drop_table('gate_crossings')
    op.drop_table('gate_settings')
