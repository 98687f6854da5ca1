"""shared: one timeline table for every object type; the hotline's events move into it

Details were stored as English text; they become a message id with parameters where the text was
made by the node (escalation levels, screening holds) and stay as written where a person wrote it.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 22:40:00.000000
"""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from alembic import op

from borderlink.db import UTCDateTime

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

OBJECT_TYPE = "hotline.request"
ESCALATED = "level %(level)s: %(units)s"
HELD = "held for a supervisor: possible %(grounds)s grounds"
_ESCALATED = re.compile(r"^level (\d+): (.*)$", re.DOTALL)
_HELD = re.compile(r"^held for a supervisor: possible (.*) grounds$", re.DOTALL)

_old = sa.table(
    "hotline_events",
    sa.column("id", sa.String), sa.column("request_id", sa.String), sa.column("kind", sa.String),
    sa.column("at", UTCDateTime(timezone=True)), sa.column("party", sa.String), sa.column("unit_code", sa.String),
    sa.column("detail", sa.Text),
)
_new = sa.table(
    "timeline_events",
    sa.column("id", sa.String), sa.column("object_type", sa.String), sa.column("object_id", sa.String),
    sa.column("kind", sa.String), sa.column("at", UTCDateTime(timezone=True)), sa.column("party", sa.String),
    sa.column("unit_code", sa.String), sa.column("message", sa.String), sa.column("params", sa.JSON),
)


def message_of(kind: str, detail: str | None) -> tuple[str | None, dict[str, Any]]:
    """The message id and parameters of a stored English detail."""
    if detail is None:
        return None, {}
    if kind == "escalated" and (match := _ESCALATED.match(detail)):
        return ESCALATED, {"level": int(match.group(1)), "units": match.group(2)}
    if kind == "held" and (match := _HELD.match(detail)):
        return HELD, {"grounds": [g.strip() for g in match.group(1).split(",")]}
    return None, {"text": detail}


def english(message: str | None, params: dict[str, Any]) -> str | None:
    if message is None:
        text = params.get("text")
        return None if text is None else str(text)
    values = {k: ", ".join(v) if isinstance(v, list) else v for k, v in params.items()}
    return message % values


def upgrade() -> None:
    op.create_table('timeline_events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('party', sa.String(length=2), nullable=False),
    sa.Column('unit_code', sa.String(length=80), nullable=True),
    sa.Column('message', sa.String(length=300), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_timeline_events'))
    )
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.create_index('ix_timeline_events_object', ['object_type', 'object_id', 'at'], unique=False)

    connection = op.get_bind()
    rows = connection.execute(sa.select(_old).order_by(_old.c.at, _old.c.id)).mappings().all()
    moved = []
    for row in rows:
        message, params = message_of(row["kind"], row["detail"])
        moved.append({"id": row["id"], "object_type": OBJECT_TYPE, "object_id": row["request_id"],
                      "kind": row["kind"], "at": row["at"], "party": row["party"],
                      "unit_code": row["unit_code"], "message": message, "params": params})
    if moved:
        connection.execute(_new.insert(), moved)

    with op.batch_alter_table('hotline_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hotline_events_request_id'))
    op.drop_table('hotline_events')


def downgrade() -> None:
    op.create_table('hotline_events',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('party', sa.String(length=2), nullable=False),
    sa.Column('unit_code', sa.String(length=80), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['hotline_requests.id'],
                            name=op.f('fk_hotline_events_request_id_hotline_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hotline_events'))
    )
    with op.batch_alter_table('hotline_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hotline_events_request_id'), ['request_id'], unique=False)

    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_new).where(_new.c.object_type == OBJECT_TYPE).order_by(_new.c.at, _new.c.id)).mappings().all()
    if rows:
        connection.execute(_old.insert(), [
            {"id": row["id"], "request_id": row["object_id"], "kind": row["kind"], "at": row["at"],
             "party": row["party"], "unit_code": row["unit_code"],
             "detail": english(row["message"], dict(row["params"] or {}))}
            for row in rows])
    with op.batch_alter_table('timeline_events', schema=None) as batch_op:
        batch_op.drop_index('ix_timeline_events_object')
    op.drop_table('timeline_events')
