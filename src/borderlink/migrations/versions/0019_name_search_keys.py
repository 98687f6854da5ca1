"""shared: the name keys by which list searches find a person named in any script

Every object that names persons files its names' blocking keys here (object type, key, object
id, and the record they came from); the rows already stored are filed once, here.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 06:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'name_search_keys',
        sa.Column('object_type', sa.String(length=40), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('object_id', sa.String(length=36), nullable=False),
        sa.Column('source_id', sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint('object_type', 'key', 'object_id', 'source_id', name=op.f('pk_name_search_keys')),
    )
    op.create_index('ix_name_search_keys_source', 'name_search_keys', ['source_id'], unique=False)
    from borderlink.shared import namesearch  # the matcher computes the keys of the stored names

    namesearch.rebuild(op.get_bind())


def downgrade() -> None:
    op.drop_index('ix_name_search_keys_source', table_name='name_search_keys')
    op.drop_table('name_search_keys')
