"""A data generation counter, moved on every change of airport data.

Revision ID: 5b1c7e9d2a40
Revises: 2f5f0847402d
Create Date: 2026-11-26 06:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b1c7e9d2a40"
down_revision: str | None = "2f5f0847402d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "site_settings",
        sa.Column("data_generation", sa.BigInteger(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("site_settings", "data_generation")
