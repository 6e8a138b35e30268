"""Health and metadata routes."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from api.core.errors import ServiceUnavailable
from api.dependencies import SessionDep, StateDep
from api.errors import ERROR_RESPONSES
from api.meta import service
from api.meta.schemas import ContentPack, Health, Meta

router = APIRouter(tags=["meta"])

HEALTH_TIMEOUT_SECONDS = 3.0


@router.get(
    "/health",
    name="health",
    summary="Whether this process can serve requests (load-balancer check)",
    responses={503: ERROR_RESPONSES[503]},
)
async def health(state: StateDep) -> Health:
    engine: AsyncEngine = state.engine
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS), engine.connect() as connection:
            await connection.execute(sa.text("SELECT 1"))
    except Exception:
        raise ServiceUnavailable("The database is unreachable.") from None
    return Health(status="ok")


@router.get(
    "/api/v1/meta",
    name="get",
    summary="Active data cycles, chart layers and the catalogues clients need",
    responses={503: ERROR_RESPONSES[503]},
)
async def meta(request: Request, state: StateDep, session: SessionDep) -> Meta:
    # The map version a writer gets shows its change.
    await state.map_rebuilder.settle_for(request.client.host if request.client else None)
    visitor = state.geoip.locate(request.client.host if request.client else None)
    return await service.meta(session, state.geojson_cache, state.settings, visitor)


@router.get(
    "/api/v1/content-packs",
    name="content_packs",
    summary="ForeFlight content packs of airports by tag group, rebuilt monthly",
    responses={503: ERROR_RESPONSES[503]},
)
async def content_packs(state: StateDep, session: SessionDep) -> list[ContentPack]:
    return await service.content_packs(session, state.settings)
