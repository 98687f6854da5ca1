"""shared: one attachments table for every object type; the hotline's files move into it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 02:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from borderlink.db import UTCDateTime

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

OBJECT_TYPE = "hotline.request"

_old = sa.table(
    "hotline_attachments",
    sa.column("id", sa.String), sa.column("request_id", sa.String), sa.column("filename", sa.String),
    sa.column("content_type", sa.String), sa.column("size", sa.Integer), sa.column("sha256", sa.String),
    sa.column("data", sa.LargeBinary),
)
_requests = sa.table(
    "hotline_requests",
    sa.column("id", sa.String), sa.column("created_at", UTCDateTime(timezone=True)),
    sa.column("names_person", sa.Boolean),
)
_new = sa.table(
    "attachments",
    sa.column("id", sa.String), sa.column("object_type", sa.String), sa.column("object_id", sa.String),
    sa.column("filename", sa.String), sa.column("content_type", sa.String), sa.column("size", sa.Integer),
    sa.column("sha256", sa.String), sa.column("names_person", sa.Boolean), sa.column("added_by", sa.String),
    sa.column("created_at", UTCDateTime(timezone=True)), sa.column("data", sa.LargeBinary),
)


def upgrade() -> None:
    op.create_table('attachments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=36), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('names_person', sa.Boolean(), nullable=False),
    sa.Column('added_by', sa.String(length=200), nullable=True),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index('ix_attachments_object', ['object_type', 'object_id', 'created_at'], unique=False)

    # A request's files were all added with the request: they take its time, and bear a
    # person's data when the request does.
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_old, _requests.c.created_at, _requests.c.names_person)
        .join(_requests, _requests.c.id == _old.c.request_id).order_by(_old.c.id)).mappings().all()
    if rows:
        connection.execute(_new.insert(), [
            {"id": row["id"], "object_type": OBJECT_TYPE, "object_id": row["request_id"],
             "filename": row["filename"], "content_type": row["content_type"], "size": row["size"],
             "sha256": row["sha256"], "names_person": bool(row["names_person"]), "added_by": None,
             "created_at": row["created_at"], "data": row["data"]} for row in rows])

    with op.batch_alter_table('hotline_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hotline_attachments_request_id'))
    op.drop_table('hotline_attachments')


def downgrade() -> None:
    op.create_table('hotline_attachments',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['hotline_requests.id'],
                            name=op.f('fk_hotline_attachments_request_id_hotline_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotline_attachments'))
    )
    with op.batch_alter_table('hotline_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hotline_attachments_request_id'), ['request_id'], unique=False)

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_new).where(_new.c.object_type == OBJECT_TYPE).order_by(_new.c.id)).mappings().all()
    if rows:
        connection.execute(_old.insert(), [
            {"id": row["id"], "request_id": row["object_id"], "filename": row["filename"],
             "content_type": row["content_type"], "size": row["size"], "sha256": row["sha256"],
             "data": row["data"]} for row in rows])
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachments_object')
    op.drop_table('attachments')
