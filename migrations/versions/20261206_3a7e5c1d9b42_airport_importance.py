"""Airports carry an importance (0–5) that search and the map rank by.

The importer computes it from what each source says (tower, scheduled service, OurAirports'
size, runway length, public use); until the next import, existing airports get the same rule
from what is stored, without OurAirports' size and scheduled service. Airports without an
outline get the one the importer now computes for new airports (the runway ends with a
margin, else half the longest runway, else 800 m); the hourly job gives them a time zone.

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
            + coalesce(a.facility_use = 'PU', false)::int
            + (coalesce(a.tower_type LIKE 'ATCT%', false) OR EXISTS (
                SELECT 1 FROM frequencies f WHERE f.airport_id = a.id AND f.use IN ('TWR', 'ATIS')
              ))::int
            + coalesce((SELECT max(r.length_ft) >= 5000 FROM runways r
                        WHERE r.airport_id = a.id), false)::int
        """
    )
    op.execute(
        """
        WITH ends AS (
            SELECT r.airport_id, min(e.latitude) AS south, max(e.latitude) AS north,
                   min(e.longitude) AS west, max(e.longitude) AS east
            FROM runway_ends e JOIN runways r ON r.id = e.runway_id
            WHERE e.latitude IS NOT NULL AND e.longitude IS NOT NULL
            GROUP BY r.airport_id
        ), outline AS (
            SELECT a.id,
                   coalesce(e.south, a.latitude) AS south, coalesce(e.north, a.latitude) AS north,
                   coalesce(e.west, a.longitude) AS west, coalesce(e.east, a.longitude) AS east,
                   CASE WHEN e.south IS NOT NULL THEN 250
                        ELSE coalesce((SELECT max(r.length_ft) * 0.3048 / 2 + 250 FROM runways r
                                       WHERE r.airport_id = a.id), 800) END AS margin,
                   111320.0 * greatest(cos(radians(a.latitude)), 0.01) AS per_degree_lon
            FROM airports a LEFT JOIN ends e ON e.airport_id = a.id
            WHERE a.bbox_ne_latitude IS NULL
        )
        UPDATE airports a
        SET bbox_sw_latitude = greatest(-90, o.south - o.margin / 111320.0),
            bbox_ne_latitude = least(90, o.north + o.margin / 111320.0),
            bbox_sw_longitude = greatest(-180, o.west - o.margin / o.per_degree_lon),
            bbox_ne_longitude = least(180, o.east + o.margin / o.per_degree_lon)
        FROM outline o WHERE a.id = o.id
        """
    )


def downgrade() -> None:
    op.drop_constraint("importance_range", "airports", type_="check")
    op.drop_column("airports", "importance")
