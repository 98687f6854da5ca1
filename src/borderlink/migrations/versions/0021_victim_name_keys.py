"""cases: the victims' names are filed in the shared name keys, apart from the cases list's

The protection check (gates, alerts) looks up the victims a person may be by these keys instead
of reading every victim; the victims already stored are filed once, here.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from borderlink.cases.persons import VICTIM_NAMES_TYPE  # the matcher computes the keys
    from borderlink.shared import namesearch

    namesearch.rebuild(op.get_bind(), object_types={VICTIM_NAMES_TYPE})


def downgrade() -> None:
    from borderlink.cases.persons import VICTIM_NAMES_TYPE
    from borderlink.shared.namesearch import NameKey

    op.execute(sa.delete(NameKey).where(NameKey.object_type == VICTIM_NAMES_TYPE))
