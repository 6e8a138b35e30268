"""HTTP route listing the exports."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter

from api.dependencies import READ_LIMIT, SessionDep, StateDep
from api.errors import ERROR_RESPONSES
from api.exports.schemas import ExportList, ExportOut

router = APIRouter(prefix="/api/v1", tags=["changes"])


@router.get(
    "/exports",
    name="exports",
    dependencies=[READ_LIMIT],
    summary="The newest export of the whole database, in each format",
    description="Start a mirror here: download an export (check its `sha256`), load it, then "
    "follow the change feed from its `cursor` (`GET /api/v1/changes?after=<cursor>`). The "
    "exports are built nightly and after each activated FAA cycle; older ones are kept a "
    "week.",
    response_model=ExportList,
    responses={503: ERROR_RESPONSES[503]},
)
async def exports(state: StateDep, session: SessionDep) -> ExportList:
    rows = await session.execute(
        sa.text(
            "SELECT DISTINCT ON (format) format, storage_key, bytes, sha256, created_at, cursor "
            "FROM exports ORDER BY format, created_at DESC"
        )
    )
    base = state.settings.assets_base
    return ExportList(
        exports=[
            ExportOut(
                format=row.format,
                url=f"{base}/{row.storage_key}",
                bytes=row.bytes,
                sha256=row.sha256,
                created_at=row.created_at,
                cursor=row.cursor,
            )
            for row in rows
        ]
    )
