"""Airports carry an importance (0–5) that search and the map rank by.

The importer computes it from what each source says (tower, scheduled service, OurAirports'
size, runway length, public use); until the next import, existing airports get the same rule
from what is stored, without OurAirports' size and scheduled service.

Revision ID: 3a7e5c1d9b42
Revises: 9d4e6f1a2b38
Create Date: 2026-12-06 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3a7e5c1d9b42"
down_revision: str | None = "9d4e6f1a2b38"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "airports",
        sa.Column("importance", sa.SmallInteger(), server_default=sa.text("0"), nullable=False),
    )
    op.create_check_constraint("importance_range", "airports", "importance BETWEEN 0 AND 5")
    op.execute(
        """
        UPDATE airports a SET importance =
            (a.facility_type IN ('airport', 'military'))::int
            + (a.facility_use = 'PU')::int
            + (a.tower_type LIKE 'ATCT%' OR EXISTS (
                SELECT 1 FROM frequencies f WHERE f.airport_id = a.id AND f.use IN ('TWR', 'ATIS')
              ))::int
            + coalesce((SELECT max(r.length_ft) >= 5000 FROM runways r
                        WHERE r.airport_id = a.id), false)::int
        """
    )


def downgrade() -> None:
    op.drop_constraint("importance_range", "airports", type_="check")
    op.drop_column("airports", "importance")
