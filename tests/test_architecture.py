"""The import contracts (`lint-imports`, run by `make test`) name every part of `api` that the
framework-free core, the models and the importer must not import: a new domain package or
module cannot slip past them."""

from __future__ import annotations

import ast
import inspect
import re
import tomllib
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from api.app import create_app
from api.core.policy import UNSAFE_METHODS
from api.core.settings import PROJECT_ROOT, Settings
from api.dependencies import READ_LIMIT, limit_reads, limit_writes

FREE_OF_THE_WEB = {"api.core", "api.models"}


def _contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    return {contract["name"]: contract for contract in contracts}


def _web_side() -> set[str]:
    """Every package and module of ``api`` but the core and the models."""
    api = PROJECT_ROOT / "api"
    packages = {f"api.{path.name}" for path in api.iterdir() if (path / "__init__.py").exists()}
    modules = {f"api.{path.stem}" for path in api.glob("*.py") if path.stem != "__init__"}
    return (packages | modules) - FREE_OF_THE_WEB


def test_the_core_the_models_and_the_importer_may_import_nothing_else_of_api() -> None:
    contracts = _contracts()
    core = contracts[
        "The framework-free core and models never import the web framework or a domain package"
    ]
    importer = contracts["The importer stands on the framework-free core and the models alone"]
    web = _web_side()
    assert {"api.airports", "api.app", "api.jobs"} <= web

    for contract in (core, importer):
        forbidden = set(contract["forbidden_modules"])  # type: ignore[call-overload]
        assert web <= forbidden, sorted(web - forbidden)
        assert {"fastapi", "starlette"} <= forbidden
    assert set(core["source_modules"]) == FREE_OF_THE_WEB  # type: ignore[call-overload]
    assert importer["source_modules"] == ["importer"]


def test_nothing_imports_the_pirep_command() -> None:
    contract = _contracts()[
        "Nothing imports the `pirep` command: what commands share is in api.terminal"
    ]
    sources = set(contract["source_modules"])  # type: ignore[call-overload]
    assert sources == (_web_side() | FREE_OF_THE_WEB) - {"api.cli"}, sorted(
        (_web_side() | FREE_OF_THE_WEB) - {"api.cli"} ^ sources
    )
    assert contract["forbidden_modules"] == ["api.cli"]


def _sources() -> dict[str, str]:
    """Every Python file of the application and the importer, by path."""
    return {
        str(path.relative_to(PROJECT_ROOT)): path.read_text(encoding="utf-8")
        for package in ("api", "importer")
        for path in (PROJECT_ROOT / package).rglob("*.py")
    }


# Moving the generation or writing a change row, in SQL or through the ORM.
_CHANGE_WRITES = re.compile(
    r"data_generation\s*(=|\+)|(?i:INSERT\s+INTO\s+data_changes)|(?<!class )\bDataChange\("
)
_VERSION_WRITES = re.compile(
    r"(?<!class )\bVersion\(|\binsert\(Version\)|(?i:INSERT\s+INTO\s+versions)"
)


def test_only_the_change_pipeline_moves_the_generation_or_records_changes() -> None:
    writers = {path for path, text in _sources().items() if _CHANGE_WRITES.search(text)}

    assert writers == {"api/core/changes.py"}


def test_versions_are_written_in_one_place() -> None:
    writers = {path for path, text in _sources().items() if _VERSION_WRITES.search(text)}

    assert writers == {"api/versions/repository.py"}


def test_the_rules_see_a_writer_that_breaks_them() -> None:
    assert _CHANGE_WRITES.search('sa.text("UPDATE site_settings SET data_generation = 1")')
    assert _CHANGE_WRITES.search("values(data_generation=SiteSettings.data_generation + 1)")
    assert _CHANGE_WRITES.search("INSERT INTO data_changes (kind) VALUES ('edit')")
    assert not _CHANGE_WRITES.search("SELECT data_generation FROM site_settings")
    assert _VERSION_WRITES.search("session.add(Version(item_type=...))")
    assert _VERSION_WRITES.search("sa.insert(Version).values(item_type=...)")
    assert not _VERSION_WRITES.search("class Version(Base):")


# The writes that are not limited: the administrators' work, and the count of page visits.
WRITES_NOT_LIMITED = ("/api/v1/admin/",)
WRITE_SUFFIXES_NOT_LIMITED = ("/views",)
# The reads that are limited: the airport pages (and the search box, under the same path), and
# the change feed and the exports mirrors read, and the offline packs.
LIMITED_READS = (
    "/api/v1/airports/",
    "/api/v1/changes",
    "/api/v1/exports",
    "/api/v1/offline-packs",
)


def _limit_mistakes(app: FastAPI) -> list[str]:
    """The routes whose rate limit is not the rule's: every write under ``/api/`` but those
    exempted has the write limit, every read of an airport page the read limit, and no other
    route either."""
    mistakes = []
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute):
            continue
        path, methods = route.path, set(route.methods)
        calls = {dependency.call for dependency in route.dependant.dependencies}
        writes = (
            bool(methods & UNSAFE_METHODS)
            and path.startswith("/api/")
            and not path.startswith(WRITES_NOT_LIMITED)
            and not path.endswith(WRITE_SUFFIXES_NOT_LIMITED)
        )
        reads = "GET" in methods and path.startswith(LIMITED_READS)
        for limit, expected in ((limit_writes, writes), (limit_reads, reads)):
            if (limit in calls) != expected:
                missing = "without" if expected else "with"
                mistakes.append(f"{'/'.join(sorted(methods))} {path} {missing} {limit.__name__}")
    return mistakes


def test_writes_and_airport_pages_are_rate_limited_by_their_routes() -> None:
    app = create_app(
        Settings(database_url="postgresql://pirep@localhost/pirep", environment="test")
    )

    assert _limit_mistakes(app) == []


def test_the_rule_sees_a_route_without_its_rate_limit() -> None:
    router = APIRouter(prefix="/api/v1")

    @router.post("/airports/{code}/notes")
    async def add_note(code: str) -> None: ...

    @router.get("/airports/{code}/notes", dependencies=[READ_LIMIT])
    async def notes(code: str) -> None: ...

    @router.get("/events", dependencies=[READ_LIMIT])
    async def events() -> None: ...

    @router.post("/airports/{code}/views")
    async def record_view(code: str) -> None: ...

    app = FastAPI()
    app.include_router(router)

    assert _limit_mistakes(app) == [
        "POST /api/v1/airports/{code}/notes without limit_writes",
        "GET /api/v1/events with limit_reads",
    ]


def _sync_dependencies(app: FastAPI) -> list[str]:
    """The routes' dependencies written as plain functions: FastAPI runs each in its thread
    pool, a thread hop per request (the typed state as one halved the cached reads)."""
    found: set[str] = set()

    def visit(dependant: Dependant) -> None:
        for dependency in dependant.dependencies:
            call = dependency.call
            target = call if inspect.isroutine(call) else getattr(call, "__call__", call)  # noqa: B004
            if call is not None and not (
                inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target)
            ):
                found.add(getattr(call, "__qualname__", repr(call)))
            visit(dependency)

    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute):
            visit(route.dependant)
    return sorted(found)


def test_every_dependency_of_a_route_is_async() -> None:
    app = create_app(
        Settings(database_url="postgresql://pirep@localhost/pirep", environment="test")
    )

    assert _sync_dependencies(app) == []


def _plain() -> int:
    return 1


def test_the_rule_sees_a_plain_function_dependency() -> None:
    app = FastAPI()

    @app.get("/x")
    async def x(value: Annotated[int, Depends(_plain)]) -> int:
        return value

    assert _sync_dependencies(app) == ["_plain"]


# Those that own a session end its transactions: the request's session dependency, the route
# that starts the importer (the importer process must see the run it was started for), and
# the jobs and command lines that open their own sessions.
SESSION_OWNERS = {"api/dependencies.py", "api/admin/router.py"}
OWN_THEIR_SESSIONS = ("api/jobs/", "api/ops/", "api/cli.py")


def _transaction_enders(source: str) -> list[str]:
    """The ``.commit()`` and ``.rollback()`` calls of a module, as ``line: call``."""
    return [
        f"{node.lineno}: .{node.func.attr}()"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("commit", "rollback")
    ]


def test_services_flush_and_only_the_owners_of_a_session_commit_it() -> None:
    enders = {
        path: found
        for path, text in _sources().items()
        if path.startswith("api/")
        and not path.startswith(OWN_THEIR_SESSIONS)
        and (found := _transaction_enders(text))
    }

    assert set(enders) == SESSION_OWNERS, enders


def test_the_rule_sees_a_service_that_commits() -> None:
    service = "async def rename(session):\n    thing.name = 'x'\n    await session.commit()\n"

    assert _transaction_enders(service) == ["3: .commit()"]
    assert _transaction_enders("await session.flush()\nasync with session.begin(): ...") == []
