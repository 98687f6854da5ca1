"""hotline: offence codes as ICCS 1.0 defines them

The allow-list used 06011 (in ICCS: possession for personal consumption) for drug trafficking,
and codes ICCS does not have (06013, 07012) or gives another meaning (08041, 08052, 09062).
Stored requests are rewritten to the ICCS code of what they meant.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

# old code -> ICCS 1.0 code of the offence the old label named
TO_ICCS = {
    '06011': '06012',  # drug trafficking
    '06013': '06012',  # drug smuggling across the border
    '07012': '07019',  # telecommunications and online fraud
    '08041': '08044',  # smuggling of goods
    '08052': '08059',  # illegal entry or stay
    '09062': '09069',  # terrorism offences, unspecified
}
# Drug trafficking, production and smuggling all became 06012; going back keeps 06012.
FROM_ICCS = {new: old for old, new in TO_ICCS.items() if new != '06012'}

requests = sa.table('hotline_requests', sa.column('offence_code', sa.String))


def _rewrite(mapping: dict[str, str]) -> None:
    # One statement, so a code rewritten is not rewritten a second time (09062 -> 09069 -> ...).
    op.execute(
        requests.update()
        .where(requests.c.offence_code.in_(list(mapping)))
        .values(offence_code=sa.case(mapping, value=requests.c.offence_code))
    )


def upgrade() -> None:
    _rewrite(TO_ICCS)


def downgrade() -> None:
    _rewrite(FROM_ICCS)
