"""Exports for API consumers: each file stored, its size, digest and the change feed's cursor.

Revision ID: 8a4c2e6b9d15
Revises: 6e2b8d4f1a93
Create Date: 2026-12-07 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8a4c2e6b9d15"
down_revision: str | None = "6e2b8d4f1a93"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "exports",
        sa.Column("id", sa.Uuid(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("format", sa.Text(), nullable=False),
        sa.Column("storage_key", sa.Text(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.CheckConstraint("format IN ('gpkg', 'csv', 'geojson')", name=op.f("ck_exports_format")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exports")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_exports_storage_key")),
    )
    op.create_index("ix_exports_format_created_at", "exports", ["format", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_exports_format_created_at", table_name="exports")
    op.drop_table("exports")
