"""The FastAPI application."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES

from api.admin.router import router as admin_router
from api.airports.caches import DetailCache, GeojsonCache, MapRebuilder, TileCache
from api.airports.router import router as airports_router
from api.airports.service import DETAIL_DROPS_ALL
from api.assets.router import router as assets_router
from api.comments.router import router as comments_router
from api.core.captcha import TurnstileClient
from api.core.clients import parse_networks
from api.core.db import create_engine
from api.core.geoip import GeoLocator, follow_shared, shared_store
from api.core.mail import Mailer
from api.core.monitoring import start_monitoring
from api.core.policy import ReadOnlySwitch
from api.core.ratelimit import BatchedLimiter
from api.core.settings import Settings, get_settings
from api.core.storage import STORED_BINARY_TYPES
from api.core.task_runner import task_runner_from_settings
from api.dependencies import document_limits
from api.errors import install_error_handlers
from api.events.router import router as events_router
from api.exports.router import packs_router
from api.exports.router import router as exports_router
from api.feed.router import router as feed_router
from api.meta.router import router as meta_router
from api.middleware import (
    BodySizeLimit,
    ClientAddress,
    ControlCharacters,
    HeadAsGet,
    PolicyAudit,
    PublicReads,
    RateLimitFields,
    SecurityHeaders,
)
from api.openapi_examples import add_examples
from api.photos.router import router as photos_router
from api.search.router import router as search_router
from api.search.service import SEARCH_DROPS_ALL
from api.seo.router import router as seo_router
from api.spa.router import default_spa_dir, install_spa
from api.state import AppState, state_of
from api.tags.router import router as tags_router
from api.users.router import router as users_router
from api.versions.router import router as versions_router
from api.webcams.router import router as webcams_router

logger = logging.getLogger("api")
# Connections of the rate limits' counters and the token quotas (one statement each).
COUNTERS_POOL = 3

DESCRIPTION = """
Pirep is a free, community-sourced airport database for pilots: every US airport from the FAA,
Canadian airports from OurAirports, and what only pilots who have been there know.

Every error answers `{"error": "<Name>", "detail": "<sentence>"}`; invalid parameters add
`fields`.
"""


def operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def origin_of(url: str | None) -> str | None:
    """``scheme://host[:port]`` of a URL (a Sentry DSN), None without one."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def bind_sessions(
    app: FastAPI,
    bind: AsyncEngine | AsyncConnection,
    *,
    map_follows: bool = True,
    **options: Any,
) -> None:
    """The requests' sessions on ``bind``: the changes they commit are told to the caches and,
    if ``map_follows``, to the map rebuilder (`AppState.after_change`). Tests bind them to the
    connection of their transaction (``join_transaction_mode="create_savepoint"``), where
    each writer rebuilds the map itself."""
    state = state_of(app)
    if isinstance(bind, AsyncEngine):
        state.engine = bind
    state.session_factory = async_sessionmaker(
        bind, expire_on_commit=False, info=state.session_info(map_follows=map_follows), **options
    )
    if map_follows:
        state.map_rebuilder.bind(state.session_factory)


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> FastAPI:
    """The API application; it opens its own engine unless one is given."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        state = state_of(app)
        bind_sessions(app, engine or create_engine(settings, parallel=False))
        if own_engine:
            state.counters_engine = create_engine(
                settings, pool_size=COUNTERS_POOL, parallel=False, durable=False
            )
            # A served process (tests bring their engine and keep their collector): what exists
            # once it has started (the modules, the models, the schema, ~200,000 objects) lives
            # as long as the process, and the collector stops going through it. Each full
            # collection took 100 ms with every request waiting; now about 4.
            gc.collect()
            gc.freeze()
        store = shared_store(settings)
        follower = (
            asyncio.create_task(follow_shared(state.geoip, store)) if store is not None else None
        )
        try:
            yield
        finally:
            if follower is not None:
                follower.cancel()
            await state.map_rebuilder.idle()  # a change's rebuild is not lost at shutdown
            if own_engine:
                gc.unfreeze()
                await state.engine.dispose()
                if state.counters_engine is not None:
                    await state.counters_engine.dispose()

    # The docs page's scripts are served by the app itself: it works offline, under a strict
    # content security policy.
    app = FastAPIOffline(
        title="Pirep API",
        version="1",
        description=DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
        static_url="/api/v1/docs/static",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
    )
    start_monitoring(settings, "api")
    captcha = (
        TurnstileClient(settings.turnstile_secret_key, settings.turnstile_verify_url)
        if settings.turnstile_secret_key
        else None
    )
    if captcha is None:
        logger.warning(
            "CAPTCHA verification is off (no PIREP_TURNSTILE_SECRET_KEY): anyone may write "
            "without an account."
        )
    geojson_cache = GeojsonCache(revalidate_seconds=settings.cache_revalidate_seconds)
    state = AppState(
        settings=settings,
        mailer=Mailer.from_settings(settings),
        geoip=GeoLocator(settings.geoip_path),
        captcha=captcha,
        task_runner=task_runner_from_settings(settings),
        read_only=ReadOnlySwitch(revalidate_seconds=settings.cache_revalidate_seconds),
        read_limiter=BatchedLimiter(settings.read_limit_per_minute),
        geojson_cache=geojson_cache,
        map_rebuilder=MapRebuilder(geojson_cache, delay=settings.map_rebuild_delay_seconds),
        detail_cache=DetailCache(
            max_entries=settings.detail_cache_size,
            revalidate_seconds=settings.cache_revalidate_seconds,
            drops_all=DETAIL_DROPS_ALL,
        ),
        tile_cache=TileCache(max_bytes=settings.tile_cache_bytes),
        search_cache=DetailCache(
            max_entries=settings.search_cache_size,
            revalidate_seconds=settings.cache_revalidate_seconds,
            drops_all=SEARCH_DROPS_ALL,
        ),
    )
    app.state.pirep = state
    if engine is not None:
        bind_sessions(app, engine)
    install_error_handlers(app)
    # zlib's own default level: level 9 (Starlette's) costs twice the CPU for 1-2 % less.
    # Stored files are compressed already, and a byte range of an archive must stay those bytes.
    app.add_middleware(
        GZipMiddleware,
        minimum_size=1024,
        compresslevel=6,
        exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES, *STORED_BINARY_TYPES),
    )
    app.add_middleware(PolicyAudit)
    app.add_middleware(ControlCharacters)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        # A photo of at most PIREP_MAX_PHOTO_BYTES, and the multipart framing around it.
        max_upload_bytes=settings.max_photo_bytes + 64 * 1024,
        upload_suffixes=("/photos",),
    )
    app.add_middleware(
        SecurityHeaders,
        hsts=settings.environment == "production",
        docs_path="/api/v1/docs",
        captcha=captcha is not None,
        report_origin=origin_of(settings.frontend_sentry_dsn),
    )
    app.add_middleware(
        ClientAddress,
        trusted=parse_networks(settings.trusted_proxies),
        viewer_header=settings.client_ip_header,
        blocked=parse_networks(settings.blocked_ips),
    )
    app.add_middleware(RateLimitFields)
    app.add_middleware(PublicReads)
    app.add_middleware(HeadAsGet)
    routers = [
        meta_router,
        search_router,
        airports_router,
        versions_router,
        tags_router,
        webcams_router,
        photos_router,
        users_router,
        comments_router,
        events_router,
        feed_router,
        exports_router,
        packs_router,
        admin_router,
        seo_router,
    ]
    for router in [*routers, *([] if settings.assets_url else [assets_router])]:
        document_limits(router.routes)  # before it is included: then its routes are copied
        app.include_router(router)
    build_openapi = app.openapi

    def openapi_with_examples() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_examples(build_openapi())
        return app.openapi_schema

    app.openapi = openapi_with_examples  # type: ignore[method-assign]
    spa_dir = settings.spa_dir or default_spa_dir()
    if (spa_dir / "index.html").is_file():
        install_spa(app, spa_dir)
    elif settings.spa_dir is not None:
        logger.warning("No built SPA in %s (no index.html): only the API is served.", spa_dir)
    return app
