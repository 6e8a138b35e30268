"""What readers need of an active cycle besides its date (the chart layers' zooms and bounds).

Revision ID: 8c3d2e1f4a57
Revises: 5b1c7e9d2a40
Create Date: 2026-11-26 08:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "8c3d2e1f4a57"
down_revision: str | None = "5b1c7e9d2a40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "faa_data_cycles",
        sa.Column(
            "details",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("faa_data_cycles", "details")
