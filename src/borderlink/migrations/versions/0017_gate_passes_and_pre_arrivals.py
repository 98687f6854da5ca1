"""gates: border-resident passes, entry and exit matching with overstays, pre-arrival notices

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 02:52:04.074601
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import borderlink.db

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('gate_border_passes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('holder_names', sa.JSON(), nullable=False),
    sa.Column('holder_birth_date', sa.String(length=10), nullable=True),
    sa.Column('holder_sex', sa.String(length=1), nullable=True),
    sa.Column('holder_nationality', sa.String(length=3), nullable=True),
    sa.Column('commune', sa.String(length=200), nullable=False),
    sa.Column('permitted_area', sa.String(length=500), nullable=False),
    sa.Column('children', sa.JSON(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('issuing_unit_id', sa.String(length=36), nullable=False),
    sa.Column('created_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['issuing_unit_id'], ['units.id'], name=op.f('fk_gate_border_passes_issuing_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_border_passes')),
    sa.UniqueConstraint('number', name=op.f('uq_gate_border_passes_number'))
    )
    op.create_table('gate_pre_arrivals',
    sa.Column('from_gate_unit_id', sa.String(length=36), nullable=False),
    sa.Column('to_gate_unit_id', sa.String(length=36), nullable=False),
    sa.Column('plate', sa.String(length=20), nullable=False),
    sa.Column('plate_key', sa.String(length=20), nullable=False),
    sa.Column('driver_names', sa.JSON(), nullable=False),
    sa.Column('driver_birth_date', sa.String(length=10), nullable=True),
    sa.Column('driver_nationality', sa.String(length=3), nullable=True),
    sa.Column('driver_document_number', sa.String(length=40), nullable=True),
    sa.Column('driver_document_state', sa.String(length=3), nullable=True),
    sa.Column('containers', sa.JSON(), nullable=False),
    sa.Column('cargo_description', sa.Text(), nullable=False),
    sa.Column('hs_code', sa.String(length=12), nullable=False),
    sa.Column('weight_kg', sa.Float(), nullable=False),
    sa.Column('expected_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('expected', 'arrived', name='prearrivalstatus', native_enum=False, length=20), nullable=False),
    sa.Column('check_result', sa.Enum('clear', 'hit', name='checkresult', native_enum=False, length=20), nullable=True),
    sa.Column('check_hits', sa.JSON(), nullable=False),
    sa.Column('crossing_id', sa.String(length=36), nullable=True),
    sa.Column('arrived_at', borderlink.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_party', sa.String(length=2), nullable=False),
    sa.Column('handling_code', sa.Enum('H0', 'H1', 'H2', 'H3', name='handlingcode', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['crossing_id'], ['gate_crossings.id'], name=op.f('fk_gate_pre_arrivals_crossing_id_gate_crossings')),
    sa.ForeignKeyConstraint(['from_gate_unit_id'], ['units.id'], name=op.f('fk_gate_pre_arrivals_from_gate_unit_id_units')),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['units.id'], name=op.f('fk_gate_pre_arrivals_owner_unit_id_units')),
    sa.ForeignKeyConstraint(['to_gate_unit_id'], ['units.id'], name=op.f('fk_gate_pre_arrivals_to_gate_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_pre_arrivals'))
    )
    with op.batch_alter_table('gate_pre_arrivals', schema=None) as batch_op:
        batch_op.create_index('ix_gate_pre_arrivals_to_plate', ['to_gate_unit_id', 'plate_key', 'status'], unique=False)

    with op.batch_alter_table('gate_crossings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exit_crossing_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('overstay_reported_at', borderlink.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_gate_crossings_open_entries', ['direction', 'exit_crossing_id', 'crossed_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_gate_crossings_exit_crossing_id_gate_crossings'), 'gate_crossings', ['exit_crossing_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('gate_crossings', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_gate_crossings_exit_crossing_id_gate_crossings'), type_='foreignkey')
        batch_op.drop_index('ix_gate_crossings_open_entries')
        batch_op.drop_column('overstay_reported_at')
        batch_op.drop_column('exit_crossing_id')

    with op.batch_alter_table('gate_pre_arrivals', schema=None) as batch_op:
        batch_op.drop_index('ix_gate_pre_arrivals_to_plate')

    op.drop_table('gate_pre_arrivals')
    op.drop_table('gate_border_passes')
