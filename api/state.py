"""What the application holds for its whole life, typed: routes reach it through `StateDep`
(`api.dependencies`), the app and its tests through `state_of`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from api.airports.caches import DetailCache, GeojsonCache, MapRebuilder, TileCache
from api.core.captcha import TurnstileClient
from api.core.changes import AFTER_CHANGE, MAP_FOLLOWS, RENDERED_AFTER_CHANGE, RecordedChange
from api.core.geoip import GeoLocator
from api.core.mail import Mailer
from api.core.policy import ReadOnlySwitch
from api.core.ratelimit import BatchedLimiter
from api.core.settings import Settings
from api.core.task_runner import TaskRunner
from api.feed.service import FullPages
from api.users.quotas import TokenQuotas


@dataclass(slots=True, kw_only=True)
class AppState:
    """The application's settings, clients and in-memory caches."""

    settings: Settings
    mailer: Mailer
    geoip: GeoLocator
    captcha: TurnstileClient | None
    task_runner: TaskRunner
    read_only: ReadOnlySwitch
    read_limiter: BatchedLimiter
    geojson_cache: GeojsonCache
    map_rebuilder: MapRebuilder
    detail_cache: DetailCache
    search_cache: DetailCache
    tile_cache: TileCache
    feed_pages: FullPages = field(default_factory=FullPages)
    token_quotas: TokenQuotas = field(default_factory=TokenQuotas)
    # Set when the application starts (its lifespan), or given by whoever built it.
    engine: AsyncEngine = field(init=False)
    session_factory: async_sessionmaker[AsyncSession] = field(init=False)
    # The sessions ``single_statements`` made for the ``session_factory`` they go with.
    single_for: tuple[async_sessionmaker[AsyncSession], async_sessionmaker[AsyncSession]] | None = (
        field(default=None, init=False, repr=False)
    )
    # The engine of the counters when the application opened its own (`create_app`): commits
    # that do not wait for the disk (a crash may forget the last counts, never an edit).
    counters_engine: AsyncEngine | None = field(default=None, init=False, repr=False)

    @property
    def single_statements(self) -> async_sessionmaker[AsyncSession]:
        """Sessions for work of one statement that must not wait for a request's commit (the
        rate limits' counters, the token quotas): on the counters' engine (else the requests')
        without BEGIN and COMMIT (a statement is a transaction by itself); the requests' own
        sessions when they are bound to a connection (a test's transaction)."""
        factory = self.session_factory
        if self.single_for is None or self.single_for[0] is not factory:
            bind = factory.kw.get("bind")
            single = factory
            if isinstance(bind, AsyncEngine):
                engine = self.counters_engine or bind
                autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
                single = async_sessionmaker(autocommit, expire_on_commit=False)
            self.single_for = (factory, single)
        return self.single_for[1]

    def session_info(self, *, map_follows: bool = True) -> dict[str, Any]:
        """What the sessions of requests carry: the listener of their committed changes, and
        whether the map rebuilder follows them (else each writer rebuilds the map in its
        transaction, as tests joined to one transaction need)."""
        return {AFTER_CHANGE: self.after_change, MAP_FOLLOWS: map_follows}

    def after_change(self, recorded: RecordedChange, info: dict[str, Any]) -> None:
        """A change committed by one of this process's sessions: the caches look at the
        database on next use, and the map is rebuilt if it shows what changed."""
        self.detail_cache.recheck()
        for offered in info.pop(RENDERED_AFTER_CHANGE, ()):
            self.detail_cache.offer(recorded.generation, offered)
        self.search_cache.recheck()
        self.geojson_cache.recheck()
        if info.get(MAP_FOLLOWS):
            self.map_rebuilder.after_change(recorded, info)


def state_of(app: Starlette) -> AppState:
    """The state of the Pirep application ``app`` (as a request or a scope carries it)."""
    state: AppState = app.state.pirep
    return state
