"""Photos from Google Places for airports without any: who took each (Google's attributions,
replacing the unused free-text attribution) and, per airport, when photos were asked for and
what the answer was.

Revision ID: 4d9a1c7e2b65
Revises: 5b8d2f6e0a17
Create Date: 2026-12-07 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision: str = "4d9a1c7e2b65"
down_revision: str | None = "5b8d2f6e0a17"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_column("photos", "attribution")
    op.add_column("photos", sa.Column("attributions", pg.JSONB(), nullable=True))
    # No external photo was ever stored before this revision.
    op.create_check_constraint(
        "external_attributed", "photos", "(source = 'external') = (attributions IS NOT NULL)"
    )
    op.create_table(
        "external_photo_lookups",
        sa.Column("airport_id", sa.Uuid(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("looked_up_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("found", sa.SmallInteger(), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["airport_id"],
            ["airports.id"],
            name=op.f("fk_external_photo_lookups_airport_id_airports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("airport_id", name=op.f("pk_external_photo_lookups")),
    )


def downgrade() -> None:
    op.drop_table("external_photo_lookups")
    op.drop_constraint("external_attributed", "photos", type_="check")
    op.drop_column("photos", "attributions")
    op.add_column("photos", sa.Column("attribution", sa.Text(), nullable=True))
