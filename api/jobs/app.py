"""The job queue: procrastinate over the application's own PostgreSQL (no other server)."""

from __future__ import annotations

from procrastinate import App, PsycopgConnector

from api.core.settings import Settings, normalise_database_url
from api.jobs.tasks import blueprint


def libpq_url(database_url: str) -> str:
    """The database URL as psycopg wants it (the API's is SQLAlchemy's asyncpg form)."""
    return normalise_database_url(database_url).replace("postgresql+asyncpg://", "postgresql://", 1)


def make_app(settings: Settings, *, schedule: bool = True) -> App:
    """The procrastinate app with every Pirep job; open it with ``async with app.open_async()``.
    Without ``schedule`` its workers run what is queued but defer no periodic job (tests)."""
    if not settings.database_url:
        raise ValueError("The job queue needs a database URL.")
    app = App(connector=PsycopgConnector(conninfo=libpq_url(settings.database_url)))
    app.add_tasks_from(blueprint, namespace="")
    if not schedule:
        app.periodic_registry.periodic_tasks.clear()
    return app
