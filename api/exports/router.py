"""HTTP routes listing the exports and the offline packs."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from fastapi import APIRouter

from api.dependencies import READ_LIMIT, SessionDep, StateDep
from api.errors import ERROR_RESPONSES
from api.exports.offline import published_packs
from api.exports.schemas import ExportList, ExportOut, OfflineFile, OfflinePack, OfflinePackList

router = APIRouter(prefix="/api/v1", tags=["changes"])
packs_router = APIRouter(prefix="/api/v1", tags=["charts"])


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


@packs_router.get(
    "/offline-packs",
    name="offline_packs",
    dependencies=[READ_LIMIT],
    summary="Offline packs: each chart region's tiles, airports and diagrams",
    description="For each chart of the active cycle (every sectional and terminal area chart), "
    "what a pilot takes where there is no signal: the chart's tiles as MBTiles and PMTiles, "
    "its airports as a GeoPackage and its airport diagrams. The tiles are built when a charts "
    "cycle is activated, the airports and diagrams nightly. Empty until the first build.",
    response_model=OfflinePackList,
    responses={503: ERROR_RESPONSES[503]},
)
async def offline_packs(state: StateDep, session: SessionDep) -> OfflinePackList:
    index = await published_packs(await session.connection())
    if index is None:
        return OfflinePackList(built_at=None, packs=[])
    base = state.settings.assets_base
    return OfflinePackList(
        built_at=datetime.fromisoformat(index["built_at"]),
        packs=[
            OfflinePack(
                region=pack["region"],
                title=pack["title"],
                layer=pack["layer"],
                cycle=date.fromisoformat(index["cycle"]),
                bounds=pack["bounds"],
                files=[
                    OfflineFile(
                        format=file["format"],
                        url=f"{base}/{file['key']}",
                        bytes=file["bytes"],
                        sha256=file["sha256"],
                    )
                    for file in pack["files"]
                ],
            )
            for pack in index["packs"]
        ],
    )
