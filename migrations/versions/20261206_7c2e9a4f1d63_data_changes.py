"""Every change of airport data is a row of data_changes: which airport, which fields, why.

Revision ID: 7c2e9a4f1d63
Revises: 3a7e5c1d9b42
Create Date: 2026-12-06 05:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "7c2e9a4f1d63"
down_revision: str | None = "3a7e5c1d9b42"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.Column("airport_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("airport_code", sa.String(length=16), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column(
            "fields",
            postgresql.ARRAY(sa.Text()),
            server_default=sa.text("'{}'::text[]"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "(airport_id IS NULL) = (airport_code IS NULL)",
            name=op.f("ck_data_changes_airport_both"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_changes")),
    )
    op.create_index(
        "ix_data_changes_airport_id", "data_changes", ["airport_id", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_data_changes_airport_id", table_name="data_changes")
    op.drop_table("data_changes")
