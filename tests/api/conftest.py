"""API tests: the real app on a database holding the bundled sample, loaded once per run.

Every test's requests and its own extra rows share one connection inside a transaction that is
rolled back, so the sample stays as the importer left it.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    create_async_engine,
)

from api.app import bind_sessions, create_app
from api.core import tokens
from api.core.captcha import TurnstileClient
from api.core.cycles import Product
from api.core.passwords import hash_password
from api.core.settings import PROJECT_ROOT, Settings
from api.dependencies import CSRF_HEADER, SESSION_COOKIE
from api.models.airports import Airport, Runway, Tag
from api.models.enums import UserRole
from api.models.users import Session, User
from api.state import state_of
from importer.progress import PlainReporter
from importer.run import RunOptions, run_import
from tests import openapi_recorder
from tests.local_http import Handler, local_server

SAMPLE_DATA = PROJECT_ROOT / "importer" / "sample_data"
SAMPLE_CYCLE = date(2024, 12, 26)
SAMPLE_DATABASE = "pirep_api_sample"


class SampleSources(Handler):
    """Serves the bundled sample like the FAA and OurAirports would: the NASR archive under
    the name of any cycle, the OurAirports files by name."""

    def do_GET(self) -> None:
        name = self.path.rsplit("/", 1)[-1]
        if name.endswith("_APT_CSV.zip"):
            name = next(SAMPLE_DATA.glob("*_APT_CSV.zip")).name
        path = SAMPLE_DATA / name
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes()
        self.send_body(body)


@pytest.fixture(scope="session")
def api_settings(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Settings]:
    data_dir: Path = tmp_path_factory.mktemp("api-data")

    def make(url: str) -> Settings:
        # Tests make many requests from one address; the rate limits have tests of their own.
        return Settings(
            database_url=url,
            environment="test",
            data_dir=data_dir,
            write_limit_per_minute=10_000,
            read_limit_per_minute=100_000,
            cache_revalidate_seconds=0,
            # The API alone, whether or not a built SPA lies in frontend/dist (test_spa.py).
            spa_dir=data_dir / "no-spa",
        )

    return make


async def import_sample(
    settings: Settings, products: tuple[Product, ...] = (Product.AIRPORTS,)
) -> None:
    """Import the bundled sample (WA NASR + OurAirports CA) into ``settings``' database."""
    options = RunOptions(
        products=products,
        force=True,
        source_dir=SAMPLE_DATA,
        cycle=SAMPLE_CYCLE,
        countries=frozenset({"CA"}),
    )
    await run_import(settings, options, PlainReporter())


@pytest.fixture(scope="session")
async def sample_database(
    clone_template: Callable[[str], Awaitable[str]],
    api_settings: Callable[[str], Settings],
) -> str:
    """URL of a database into which the bundled sample (WA NASR + OurAirports CA) was imported."""
    url = await clone_template(SAMPLE_DATABASE)
    await import_sample(api_settings(url))
    return url


@pytest.fixture(scope="session")
async def engine(sample_database: str) -> AsyncIterator[AsyncEngine]:
    """Overrides the root `engine`: `connection` and `db` work on the sample database here."""
    sample_engine = create_async_engine(sample_database, pool_size=5)
    yield sample_engine
    await sample_engine.dispose()


@pytest.fixture
def settings(sample_database: str, api_settings: Callable[[str], Settings]) -> Settings:
    return api_settings(sample_database)


@pytest.fixture
def app(settings: Settings, engine: AsyncEngine, connection: AsyncConnection) -> FastAPI:
    """The app with its real session dependency, its sessions joined to the test's transaction.

    Their commits become savepoints, so everything a test does is rolled back after it.
    """
    application = create_app(settings, engine=engine)
    bind_sessions(
        application, connection, map_follows=False, join_transaction_mode="create_savepoint"
    )
    openapi_recorder.record(application)
    return application


def pytest_sessionfinish() -> None:
    openapi_recorder.write()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app), base_url="http://test"
    ) as http:
        yield http


@pytest.fixture
async def dead_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app whose database does not answer (nothing listens on port 1)."""
    dead_engine = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:1/x")
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(create_app(settings, engine=dead_engine)),
        base_url="http://test",
    ) as http:
        yield http
    await dead_engine.dispose()


@pytest.fixture(scope="session")
def sample_rows() -> Callable[[str], list[dict[str, str]]]:
    """Rows of a sample file: a NASR table (``APT_RWY.csv``) or an OurAirports file."""

    def read(name: str) -> list[dict[str, str]]:
        if name.startswith("APT_"):
            with zipfile.ZipFile(SAMPLE_DATA / f"{SAMPLE_CYCLE:%d_%b_%Y}_APT_CSV.zip") as archive:
                text = archive.read(name).decode("utf-8")
        else:
            text = (SAMPLE_DATA / name).read_text("utf-8")
        return list(csv.DictReader(io.StringIO(text)))

    return read


AddAirport = Callable[..., Awaitable[uuid.UUID]]


@pytest.fixture
def add_airport(connection: AsyncConnection) -> AddAirport:
    """Insert an airport (a user-added one unless told) in the test's transaction."""

    async def add(
        code: str,
        *,
        name: str | None = None,
        latitude: float = 47.5,
        longitude: float = -121.5,
        tags: tuple[str, ...] = (),
        runways: tuple[tuple[str, int, str, bool], ...] = (),
        **values: object,
    ) -> uuid.UUID:
        row = {
            "facility_type": "airport",
            "landing_rights": "public",
            "data_source": "user_contributed",
            **values,
        }
        airport_id: uuid.UUID = (
            await connection.execute(
                sa.insert(Airport)
                .values(
                    code=code,
                    name=name or f"{code} Test Field",
                    latitude=latitude,
                    longitude=longitude,
                    **row,
                )
                .returning(Airport.id)
            )
        ).scalar_one()
        for tag in tags:
            await connection.execute(sa.insert(Tag).values(airport_id=airport_id, name=tag))
        for number, length_ft, surface, lighted in runways:
            await connection.execute(
                sa.insert(Runway).values(
                    airport_id=airport_id,
                    number=number,
                    length_ft=length_ft,
                    surface=surface,
                    lighted=lighted,
                )
            )
        return airport_id

    return add


SetTags = Callable[..., Awaitable[None]]


@pytest.fixture
def set_tags(connection: AsyncConnection) -> SetTags:
    """Add and remove tags of an existing airport in the test's transaction."""

    async def change(code: str, *, add: tuple[str, ...] = (), remove: tuple[str, ...] = ()) -> None:
        airport_id = sa.select(Airport.id).where(Airport.code == code).scalar_subquery()
        for tag in add:
            await connection.execute(sa.insert(Tag).values(airport_id=airport_id, name=tag))
        if remove:
            await connection.execute(
                sa.delete(Tag).where(Tag.airport_id == airport_id, Tag.name.in_(remove))
            )

    return change


PASSING_ANSWER = "a-good-answer"


class Siteverify(Handler):
    """Answers like Cloudflare's siteverify: success only for the one good answer."""

    seen: ClassVar[list[dict[str, list[str]]]] = []

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        Siteverify.seen.append(form)
        body = json.dumps({"success": form.get("response") == [PASSING_ANSWER]}).encode()
        self.send_body(body, "application/json")


@pytest.fixture
def siteverify(app: FastAPI) -> Iterator[list[dict[str, list[str]]]]:
    Siteverify.seen = []
    with local_server(Siteverify) as base:
        state_of(app).captcha = TurnstileClient("test-secret", f"{base}/siteverify")
        yield Siteverify.seen


PASSWORD = "the same long password"


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One argon2 hash shared by the users tests make (hashing takes a tenth of a second)."""
    return hash_password(PASSWORD)


@dataclass
class Person:
    """Someone making requests: their user (if any), address and credentials."""

    role: str
    address: str
    user_id: uuid.UUID | None = None
    email: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def client(self, app: FastAPI) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app, client=(self.address, 4000))
        return httpx.AsyncClient(
            transport=transport,
            base_url="http://test",
            cookies=self.cookies,
            headers=self.headers,
        )


MakePerson = Callable[..., Awaitable[Person]]


async def make_person_in(
    connection: AsyncConnection, role: str, address: str, password_hash: str
) -> Person:
    """A person of a role: anonymous, unknown-unverified, unknown-verified (writers without an
    account, known by address), known, disabled (a known user since disabled) or admin; those
    with an account are signed in with a session cookie and its CSRF header."""
    person = Person(role=role, address=address)
    if role == "anonymous":
        return person
    if role.startswith("unknown"):
        person.user_id = (
            await connection.execute(
                sa.insert(User)
                .values(
                    role=UserRole.UNKNOWN,
                    ip_address=person.address,
                    verified_at=sa.func.now() if role == "unknown-verified" else None,
                )
                .returning(User.id)
            )
        ).scalar_one()
        return person
    person.email = f"{role}-{uuid.uuid4().hex[:8]}@example.com"
    person.user_id = (
        await connection.execute(
            sa.insert(User)
            .values(
                role=UserRole.ADMIN if role == "admin" else UserRole.KNOWN,
                email=person.email,
                password_hash=password_hash,
                confirmed_at=sa.func.now(),
                disabled_at=sa.func.now() if role == "disabled" else None,
            )
            .returning(User.id)
        )
    ).scalar_one()
    token = tokens.new_token()
    await connection.execute(
        sa.insert(Session).values(
            user_id=person.user_id,
            token_hash=tokens.token_hash(token),
            expires_at=sa.func.now() + sa.text("interval '1 day'"),
        )
    )
    person.cookies = {SESSION_COOKIE: token}
    person.headers = {CSRF_HEADER: tokens.csrf_token(token)}
    return person


@pytest.fixture
def make_person(connection: AsyncConnection, password_hash: str) -> MakePerson:
    """Make a person of a role (see `make_person_in`), each from an address of their own."""
    addresses = iter(f"192.0.2.{number}" for number in range(1, 250))

    async def make(role: str) -> Person:
        return await make_person_in(connection, role, next(addresses), password_hash)

    return make
