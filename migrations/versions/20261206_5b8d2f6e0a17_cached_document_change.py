"""A cached document remembers the last change of airport data it shows, so that the map can
be patched with the changes after it instead of being rebuilt whole.

Revision ID: 5b8d2f6e0a17
Revises: 7c2e9a4f1d63
Create Date: 2026-12-06 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5b8d2f6e0a17"
down_revision: str | None = "7c2e9a4f1d63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL: built before changes were counted; the next follower rebuilds it whole.
    op.add_column("cached_documents", sa.Column("change_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("cached_documents", "change_id")
