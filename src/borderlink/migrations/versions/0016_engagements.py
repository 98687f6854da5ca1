"""engagements: engagements, agreements, commitments with their notes, joint patrols with their reports

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 02:19:48.230275
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import borderlink.db

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('engagement_patrols',
    sa.Column('counterpart_unit_id', sa.String(length=36), nullable=False),
    sa.Column('starts_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('marker_from', sa.String(length=20), nullable=False),
    sa.Column('marker_to', sa.String(length=20), nullable=False),
    sa.Column('route', sa.Text(), nullable=False),
    sa.Column('participants', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'agreed', 'completed', 'cancelled', name='patrolstatus', native_enum=False, length=20), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_party', sa.String(length=2), nullable=False),
    sa.Column('handling_code', sa.Enum('H0', 'H1', 'H2', 'H3', name='handlingcode', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['counterpart_unit_id'], ['units.id'], name=op.f('fk_engagement_patrols_counterpart_unit_id_units')),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['units.id'], name=op.f('fk_engagement_patrols_owner_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_patrols'))
    )
    with op.batch_alter_table('engagement_patrols', schema=None) as batch_op:
        batch_op.create_index('ix_engagement_patrols_starts', ['starts_at'], unique=False)

    op.create_table('engagements',
    sa.Column('kind', sa.Enum('ministerial', 'deputy_ministerial', 'talks', 'working_visit', 'provincial_meeting', 'post_meeting', 'friendship_exchange', 'twinning', 'training', 'exchange_programme', name='engagementkind', native_enum=False, length=20), nullable=False),
    sa.Column('tier', sa.Enum('central', 'provincial', 'post', name='tier', native_enum=False, length=20), nullable=False),
    sa.Column('series', sa.String(length=40), nullable=True),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('topic', sa.String(length=300), nullable=True),
    sa.Column('starts_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('host_party', sa.String(length=2), nullable=False),
    sa.Column('counterpart_unit_id', sa.String(length=36), nullable=False),
    sa.Column('delegations', sa.JSON(), nullable=False),
    sa.Column('officials_vn', sa.Integer(), nullable=False),
    sa.Column('officials_cn', sa.Integer(), nullable=False),
    sa.Column('agenda', sa.JSON(), nullable=False),
    sa.Column('minutes', sa.JSON(), nullable=False),
    sa.Column('outcomes', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('planned', 'confirmed', 'declined', 'held', 'cancelled', name='engagementstatus', native_enum=False, length=20), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_party', sa.String(length=2), nullable=False),
    sa.Column('handling_code', sa.Enum('H0', 'H1', 'H2', 'H3', name='handlingcode', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['counterpart_unit_id'], ['units.id'], name=op.f('fk_engagements_counterpart_unit_id_units')),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['units.id'], name=op.f('fk_engagements_owner_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagements'))
    )
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.create_index('ix_engagements_series', ['series', 'number'], unique=False)
        batch_op.create_index('ix_engagements_starts', ['starts_at'], unique=False)

    op.create_table('engagement_agreements',
    sa.Column('engagement_id', sa.String(length=36), nullable=True),
    sa.Column('kind', sa.Enum('mou', 'agreement', 'minutes', 'protocol', name='agreementkind', native_enum=False, length=20), nullable=False),
    sa.Column('title_vi', sa.String(length=400), nullable=False),
    sa.Column('title_zh', sa.String(length=400), nullable=False),
    sa.Column('title_en', sa.String(length=400), nullable=False),
    sa.Column('parties', sa.JSON(), nullable=False),
    sa.Column('signatories', sa.JSON(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('renewal', sa.String(length=300), nullable=False),
    sa.Column('status', sa.Enum('draft', 'signed', 'in_force', 'expired', 'terminated', name='agreementstatus', native_enum=False, length=20), nullable=False),
    sa.Column('counterpart_unit_id', sa.String(length=36), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_party', sa.String(length=2), nullable=False),
    sa.Column('handling_code', sa.Enum('H0', 'H1', 'H2', 'H3', name='handlingcode', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['counterpart_unit_id'], ['units.id'], name=op.f('fk_engagement_agreements_counterpart_unit_id_units')),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_engagement_agreements_engagement_id_engagements')),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['units.id'], name=op.f('fk_engagement_agreements_owner_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_agreements'))
    )
    with op.batch_alter_table('engagement_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_agreements_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('engagement_patrol_reports',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('patrol_id', sa.String(length=36), nullable=False),
    sa.Column('party', sa.String(length=2), nullable=False),
    sa.Column('unit_code', sa.String(length=80), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('incidents', sa.JSON(), nullable=False),
    sa.Column('filed_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['patrol_id'], ['engagement_patrols.id'], name=op.f('fk_engagement_patrol_reports_patrol_id_engagement_patrols')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_patrol_reports')),
    sa.UniqueConstraint('patrol_id', 'party', name='uq_patrol_report_side')
    )
    op.create_table('engagement_commitments',
    sa.Column('engagement_id', sa.String(length=36), nullable=True),
    sa.Column('agreement_id', sa.String(length=36), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('responsible_party', sa.String(length=2), nullable=False),
    sa.Column('responsible_unit_id', sa.String(length=36), nullable=False),
    sa.Column('counterpart_unit_id', sa.String(length=36), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='commitmentstatus', native_enum=False, length=20), nullable=False),
    sa.Column('closed_at', borderlink.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('due_notice', sa.Enum('none', 'near', 'past', name='duenotice', native_enum=False, length=20), nullable=False),
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('owner_party', sa.String(length=2), nullable=False),
    sa.Column('handling_code', sa.Enum('H0', 'H1', 'H2', 'H3', name='handlingcode', native_enum=False, length=20), nullable=False),
    sa.Column('created_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('owner_unit_id', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['engagement_agreements.id'], name=op.f('fk_engagement_commitments_agreement_id_engagement_agreements')),
    sa.ForeignKeyConstraint(['counterpart_unit_id'], ['units.id'], name=op.f('fk_engagement_commitments_counterpart_unit_id_units')),
    sa.ForeignKeyConstraint(['engagement_id'], ['engagements.id'], name=op.f('fk_engagement_commitments_engagement_id_engagements')),
    sa.ForeignKeyConstraint(['owner_unit_id'], ['units.id'], name=op.f('fk_engagement_commitments_owner_unit_id_units')),
    sa.ForeignKeyConstraint(['responsible_unit_id'], ['units.id'], name=op.f('fk_engagement_commitments_responsible_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_commitments'))
    )
    with op.batch_alter_table('engagement_commitments', schema=None) as batch_op:
        batch_op.create_index('ix_engagement_commitments_due', ['status', 'responsible_party', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_engagement_commitments_engagement_id'), ['engagement_id'], unique=False)

    op.create_table('engagement_notes',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('commitment_id', sa.String(length=36), nullable=False),
    sa.Column('party', sa.String(length=2), nullable=False),
    sa.Column('unit_code', sa.String(length=80), nullable=False),
    sa.Column('author_name', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('closes', sa.Boolean(), nullable=False),
    sa.Column('created_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commitment_id'], ['engagement_commitments.id'], name=op.f('fk_engagement_notes_commitment_id_engagement_commitments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_engagement_notes'))
    )
    with op.batch_alter_table('engagement_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_engagement_notes_commitment_id'), ['commitment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('engagement_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_notes_commitment_id'))

    op.drop_table('engagement_notes')
    with op.batch_alter_table('engagement_commitments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_commitments_engagement_id'))
        batch_op.drop_index('ix_engagement_commitments_due')

    op.drop_table('engagement_commitments')
    op.drop_table('engagement_patrol_reports')
    with op.batch_alter_table('engagement_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_engagement_agreements_engagement_id'))

    op.drop_table('engagement_agreements')
    with op.batch_alter_table('engagements', schema=None) as batch_op:
        batch_op.drop_index('ix_engagements_starts')
        batch_op.drop_index('ix_engagements_series')

    op.drop_table('engagements')
    with op.batch_alter_table('engagement_patrols', schema=None) as batch_op:
        batch_op.drop_index('ix_engagement_patrols_starts')

    op.drop_table('engagement_patrols')
