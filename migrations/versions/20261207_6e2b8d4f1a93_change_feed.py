"""The change feed: each change as the feed shows it, written with its row, and where the
changes kept begin (older ones are deleted after 90 days).

Revision ID: 6e2b8d4f1a93
Revises: 4d9a1c7e2b65
Create Date: 2026-12-07 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6e2b8d4f1a93"
down_revision: str | None = "4d9a1c7e2b65"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("data_changes", sa.Column("feed", sa.Text(), nullable=True))
    # As api.core.changes writes it.
    op.execute(
        """
        UPDATE data_changes SET feed = json_build_object(
            'cursor', id,
            'at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            'airport', airport_code, 'kind', kind, 'fields', fields)::text
        WHERE airport_code IS NOT NULL
        """
    )
    op.add_column(
        "site_settings",
        sa.Column("changes_kept_after", sa.BigInteger(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("site_settings", "changes_kept_after")
    op.drop_column("data_changes", "feed")
