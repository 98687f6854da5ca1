"""shared: one work feed per unit across object types, taking over the hotline inbox

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 22:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import borderlink.db

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

REQUEST_TYPE = 'hotline.request'


def upgrade() -> None:
    op.create_table('work_feed',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('urgent', sa.Boolean(), nullable=False),
    sa.Column('deadline_at', borderlink.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', borderlink.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_work_feed_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_feed')),
    sa.UniqueConstraint('unit_id', 'object_type', 'object_id', name='uq_work_feed_unit_object')
    )
    with op.batch_alter_table('work_feed', schema=None) as batch_op:
        batch_op.create_index('ix_work_feed_unit_updated', ['unit_id', 'updated_at', 'id'], unique=False)
        batch_op.create_index('ix_work_feed_object', ['object_type', 'object_id'], unique=False)
        batch_op.create_index('ix_work_feed_type_updated', ['object_type', 'updated_at', 'id'], unique=False)
        batch_op.create_index('ix_work_feed_unread', ['unit_id', 'object_type', 'object_id'], unique=False,
                              postgresql_where=sa.text('read_at IS NULL'), sqlite_where=sa.text('read_at IS NULL'))
    # Every existing inbox entry becomes a feed entry, with its unread state and deadline.
    op.execute(sa.text(
        "INSERT INTO work_feed (unit_id, object_type, object_id, reason, urgent, deadline_at, created_at, "
        "updated_at, read_at) "
        "SELECT i.unit_id, :kind, i.request_id, i.reason, r.priority = 'urgent', i.deadline_at, i.created_at, "
        "i.updated_at, i.read_at FROM hotline_inbox i JOIN hotline_requests r ON r.id = i.request_id "
        "ORDER BY i.id").bindparams(kind=REQUEST_TYPE))
    with op.batch_alter_table('hotline_inbox', schema=None) as batch_op:
        batch_op.drop_index('ix_hotline_inbox_unit_updated')
    op.drop_table('hotline_inbox')


def downgrade() -> None:
    op.create_table('hotline_inbox',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.String(length=36), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('deadline_at', borderlink.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', borderlink.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', borderlink.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['hotline_requests.id'], name=op.f('fk_hotline_inbox_request_id_hotline_requests')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_hotline_inbox_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotline_inbox')),
    sa.UniqueConstraint('unit_id', 'request_id', name='uq_hotline_inbox_unit_request')
    )
    with op.batch_alter_table('hotline_inbox', schema=None) as batch_op:
        batch_op.create_index('ix_hotline_inbox_unit_updated', ['unit_id', 'updated_at'], unique=False)
    op.execute(sa.text(
        "INSERT INTO hotline_inbox (unit_id, request_id, reason, deadline_at, created_at, updated_at, read_at) "
        "SELECT unit_id, object_id, reason, deadline_at, created_at, updated_at, read_at FROM work_feed "
        "WHERE object_type = :kind ORDER BY id").bindparams(kind=REQUEST_TYPE))
    with op.batch_alter_table('work_feed', schema=None) as batch_op:
        batch_op.drop_index('ix_work_feed_unread')
        batch_op.drop_index('ix_work_feed_type_updated')
        batch_op.drop_index('ix_work_feed_object')
        batch_op.drop_index('ix_work_feed_unit_updated')
    op.drop_table('work_feed')
