"""The FastAPI application."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from sqlalchemy.ext.asyncio import AsyncEngine

from api.admin.router import router as admin_router
from api.airports.router import router as airports_router
from api.airports.service import DetailCache, GeojsonCache, MapRebuilder
from api.assets.router import router as assets_router
from api.comments.router import router as comments_router
from api.core.captcha import TurnstileClient
from api.core.changes import AFTER_CHANGE
from api.core.clients import parse_networks
from api.core.db import create_engine, session_factory
from api.core.geoip import GeoLocator
from api.core.mail import Mailer
from api.core.monitoring import start_monitoring
from api.core.policy import ReadOnlySwitch
from api.core.ratelimit import BatchedLimiter
from api.core.settings import Settings, get_settings
from api.core.task_runner import task_runner_from_settings
from api.errors import install_error_handlers
from api.events.router import router as events_router
from api.meta.router import router as meta_router
from api.middleware import (
    BodySizeLimit,
    ClientAddress,
    PolicyAudit,
    ReadRateLimit,
    SecurityHeaders,
    WriteRateLimit,
)
from api.search.router import router as search_router
from api.seo.router import router as seo_router
from api.spa.router import default_spa_dir, install_spa
from api.users.router import router as users_router

logger = logging.getLogger("api")

DESCRIPTION = """
Pirep is a free, community-sourced airport database for pilots: every US airport from the FAA,
Canadian airports from OurAirports, and what only pilots who have been there know.

Every error answers `{"error": "<Name>", "detail": "<sentence>"}`; invalid parameters add
`fields`.
"""


def _operation_id(route: APIRoute) -> str:
    return f"{route.tags[0]}-{route.name}" if route.tags else route.name


def origin_of(url: str | None) -> str | None:
    """``scheme://host[:port]`` of a URL (a Sentry DSN), None without one."""
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")


def bind_sessions(app: FastAPI, engine: AsyncEngine) -> None:
    """The requests' sessions: the changes they commit are told to the map rebuilder."""
    app.state.session_factory = session_factory(
        engine, info={AFTER_CHANGE: app.state.map_rebuilder.after_change}
    )
    app.state.map_rebuilder.bind(app.state.session_factory)


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> FastAPI:
    """The API application; it opens its own engine unless one is given."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own_engine = engine is None
        app.state.engine = engine or create_engine(settings)
        bind_sessions(app, app.state.engine)
        try:
            yield
        finally:
            await app.state.map_rebuilder.idle()  # a change's rebuild is not lost at shutdown
            if own_engine:
                await app.state.engine.dispose()

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
        generate_unique_id_function=_operation_id,
    )
    app.state.settings = settings
    start_monitoring(settings, "api")
    app.state.mailer = Mailer.from_settings(settings)
    app.state.geoip = GeoLocator(settings.geoip_path)
    app.state.captcha = (
        TurnstileClient(settings.turnstile_secret_key, settings.turnstile_verify_url)
        if settings.turnstile_secret_key
        else None
    )
    if app.state.captcha is None:
        logger.warning(
            "CAPTCHA verification is off (no PIREP_TURNSTILE_SECRET_KEY): anyone may write "
            "without an account."
        )
    app.state.geojson_cache = GeojsonCache(revalidate_seconds=settings.cache_revalidate_seconds)
    app.state.map_rebuilder = MapRebuilder(
        app.state.geojson_cache, delay=settings.map_rebuild_delay_seconds
    )
    app.state.detail_cache = DetailCache(
        max_entries=settings.detail_cache_size,
        revalidate_seconds=settings.cache_revalidate_seconds,
    )
    app.state.search_cache = DetailCache(
        max_entries=settings.search_cache_size,
        revalidate_seconds=settings.cache_revalidate_seconds,
    )
    if engine is not None:
        app.state.engine = engine
        bind_sessions(app, engine)
    install_error_handlers(app)
    app.state.task_runner = task_runner_from_settings(settings)
    app.state.read_only = ReadOnlySwitch(revalidate_seconds=settings.cache_revalidate_seconds)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(PolicyAudit)
    app.state.read_limiter = BatchedLimiter(settings.read_limit_per_minute)
    app.add_middleware(ReadRateLimit, prefix="/api/v1/airports/", limiter=app.state.read_limiter)
    app.add_middleware(
        WriteRateLimit,
        prefix="/api/",
        exempt="/api/v1/admin/",
        exempt_suffix="/views",
        limit=settings.write_limit_per_minute,
    )
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
        captcha=app.state.captcha is not None,
        report_origin=origin_of(settings.frontend_sentry_dsn),
    )
    app.add_middleware(
        ClientAddress,
        trusted=parse_networks(settings.trusted_proxies),
        viewer_header=settings.client_ip_header,
        blocked=parse_networks(settings.blocked_ips),
    )
    app.include_router(meta_router)
    app.include_router(search_router)
    app.include_router(airports_router)
    app.include_router(users_router)
    app.include_router(comments_router)
    app.include_router(events_router)
    app.include_router(admin_router)
    app.include_router(seo_router)
    if not settings.assets_url:
        app.include_router(assets_router)
    spa_dir = settings.spa_dir or default_spa_dir()
    if (spa_dir / "index.html").is_file():
        install_spa(app, spa_dir)
    elif settings.spa_dir is not None:
        logger.warning("No built SPA in %s (no index.html): only the API is served.", spa_dir)
    return app
