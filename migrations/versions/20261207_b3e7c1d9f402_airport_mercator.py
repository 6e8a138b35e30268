"""Airports on the web map's projection, indexed: the vector tiles of the map are cut from it.

Revision ID: b3e7c1d9f402
Revises: 9b5d3f7a2c48
Create Date: 2026-12-07 06:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b3e7c1d9f402"
down_revision: str | None = "9b5d3f7a2c48"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "ALTER TABLE airports ADD COLUMN mercator geometry(POINT, 3857) GENERATED ALWAYS AS "
        "(ST_Transform(ST_SetSRID(ST_MakePoint(longitude, "
        "GREATEST(-85.05, LEAST(85.05, latitude))), 4326), 3857)) STORED"
    )
    op.create_index("ix_airports_mercator", "airports", ["mercator"], postgresql_using="gist")


def downgrade() -> None:
    op.drop_index("ix_airports_mercator", table_name="airports")
    op.drop_column("airports", "mercator")
