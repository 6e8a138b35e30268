"""API tokens: a read quota an admin gives a heavy consumer.

Revision ID: 9b5d3f7a2c48
Revises: 8a4c2e6b9d15
Create Date: 2026-12-07 05:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b5d3f7a2c48"
down_revision: str | None = "8a4c2e6b9d15"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("api_tokens", sa.Column("read_limit_per_minute", sa.Integer(), nullable=True))
    op.create_check_constraint(
        op.f("ck_api_tokens_read_limit_positive"), "api_tokens", "read_limit_per_minute > 0"
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_api_tokens_read_limit_positive"), "api_tokens", type_="check")
    op.drop_column("api_tokens", "read_limit_per_minute")
