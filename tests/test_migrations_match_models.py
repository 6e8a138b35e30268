"""The ORM models and the migrations describe the same schema: on a database migrated to head,
Alembic's autogenerate finds nothing to add, drop or alter."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection

from api.models import Base


def _ours(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Everything but the tables others manage in our schema: PostGIS's reference table and
    procrastinate's job queue (created by a migration, read through procrastinate alone)."""
    if type_ != "table" or name is None:
        return True
    return name != "spatial_ref_sys" and not name.startswith("procrastinate_")


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={
            "include_object": _ours,
            "compare_type": True,
            "compare_server_default": True,
        },
    )
    return list(compare_metadata(context, Base.metadata))


async def test_the_migrated_schema_is_the_models_schema(connection: AsyncConnection) -> None:
    differences = await connection.run_sync(_differences)

    assert differences == []
