"""Schemathesis against the app's own OpenAPI schema, as four kinds of requester.

The app runs in-process (ASGI) on a database of its own holding the bundled sample, with the
CAPTCHA on (answered by a local siteverify) so that anonymous and verified writers differ. Each
operation is fuzzed as anonymous, verified-anonymous (an address that passed the CAPTCHA), known
(a signed-in browser session with its CSRF header) and admin (an API token), with valid and
invalid data. Every answer is checked: no 5xx, a documented status, a body of the documented
schema and content type, and every error in the ``{"error", "detail"}`` shape.

Shared by the smoke test (``tests/hardening/test_api_fuzz.py``) and the long run
(``python -m bench.fuzz_api``).
"""

from __future__ import annotations

import io
import json
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs

import httpx
import hypothesis
import schemathesis
import sqlalchemy as sa
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, Verbosity
from hypothesis import strategies as st
from PIL import Image
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool
from starlette.types import ASGIApp, Receive, Scope, Send

from api.app import create_app
from api.core.cycles import Product
from api.core.passwords import hash_password
from api.core.settings import PROJECT_ROOT, Settings
from api.core.task_runner import LocalTaskRunner
from api.dependencies import CSRF_HEADER, SESSION_COOKIE
from api.models.airports import Airport
from api.models.enums import UserRole
from api.models.users import User
from api.state import state_of
from importer.progress import PlainReporter
from importer.run import RunOptions, run_import
from tests.local_http import Handler, local_server

SAMPLE_DATA = PROJECT_ROOT / "importer" / "sample_data"
ROLES = ("anonymous", "verified", "known", "admin")
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
PASSWORD = "a long password for the fuzzer"
PASSING_ANSWER = "the-fuzzer-passes"
# The test harness's way of choosing the client address: a proxy would put it in the scope.
PEER_HEADER = "x-fuzz-peer"
ADDRESSES = {"anonymous": "198.51.100.1", "verified": "198.51.100.2", "known": "198.51.100.3"}
ADMIN_ADDRESS = "198.51.100.4"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Peer:
    """Sets the client address to the fuzzer's ``x-fuzz-peer`` header (and drops it)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            name = PEER_HEADER.encode()
            peer = dict(scope["headers"]).get(name)
            if peer is not None:
                headers = [(key, value) for key, value in scope["headers"] if key != name]
                scope = {**scope, "client": (peer.decode(), 4000), "headers": headers}
        await self.app(scope, receive, send)


class Siteverify(Handler):
    """Answers like Cloudflare's siteverify: success only for the one good answer."""

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        body = json.dumps({"success": form.get("response") == [PASSING_ANSWER]}).encode()
        self.send_body(body, "application/json")


@dataclass
class Role:
    """A kind of requester: its address and credentials."""

    name: str
    address: str
    email: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    def request_headers(self) -> dict[str, str]:
        return {PEER_HEADER: self.address, **self.headers}


@dataclass
class World:
    """What the fuzzer works on: the app, its requesters and real values for path parameters.

    ``readable`` values are used by reads; ``writable`` ones (victims: rows made for the
    fuzzer, never the requesters themselves) by changes, so that an admin deleting or demoting
    someone never removes the fuzzer's own requesters.
    """

    app: ASGIApp
    roles: dict[str, Role]
    readable: dict[str, list[str]]
    writable: dict[str, list[str]]

    def pool(self, method: str, parameter: str) -> list[str]:
        return (self.writable if method.upper() in UNSAFE else self.readable).get(parameter, [])


def fuzz_settings(database_url: str, data_dir: Path, verify_url: str) -> Settings:
    """The app's settings for fuzzing: limits out of the way, the CAPTCHA on."""
    return Settings(
        database_url=database_url,
        environment="test",
        data_dir=data_dir,
        spa_dir=data_dir / "no-spa",
        write_limit_per_minute=10_000_000,
        read_limit_per_minute=10_000_000,
        cache_revalidate_seconds=0,
        turnstile_site_key="fuzz-site-key",
        turnstile_secret_key="fuzz-secret",
        turnstile_verify_url=verify_url,
    )


def fuzz_app(settings: Settings) -> FastAPI:
    """The app as served, except that starting an import starts a stand-in that exits at once
    (a real import would download cycles for minutes)."""
    app = create_app(settings)
    state_of(app).task_runner = LocalTaskRunner(
        settings.data_dir / "logs", command_prefix=[sys.executable, "-c", "pass"]
    )
    return app


async def load_sample(settings: Settings) -> None:
    """Import the bundled sample (WA NASR + OurAirports CA), as tests/api does."""
    options = RunOptions(
        products=(Product.AIRPORTS,),
        force=True,
        source_dir=SAMPLE_DATA,
        cycle=date(2024, 12, 26),
        countries=frozenset({"CA"}),
    )
    await run_import(settings, options, PlainReporter())


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


async def provision(
    settings: Settings,
) -> tuple[dict[str, Role], dict[str, list[str]], dict[str, list[str]]]:
    """Create the requesters and some content (through the API), on a database holding the
    sample; return the roles and the readable and writable values of path parameters."""
    engine = create_async_engine(settings.database_url or "", poolclass=NullPool)
    password_hash = hash_password(PASSWORD)
    roles = {name: Role(name, address) for name, address in ADDRESSES.items()}
    roles["admin"] = Role("admin", ADMIN_ADDRESS)
    victims: list[str] = []
    async with engine.begin() as connection:
        await connection.execute(
            sa.insert(User).values(
                role=UserRole.UNKNOWN,
                ip_address=roles["verified"].address,
                verified_at=sa.func.now(),
            )
        )
        for name in ("known", "admin", "victim-1", "victim-2", "victim-3"):
            email = f"fuzz-{name}@example.com"
            user_id = (
                await connection.execute(
                    sa.insert(User)
                    .values(
                        role=UserRole.ADMIN if name == "admin" else UserRole.KNOWN,
                        email=email,
                        password_hash=password_hash,
                        confirmed_at=sa.func.now(),
                        display_name=f"Fuzz {name}",
                    )
                    .returning(User.id)
                )
            ).scalar_one()
            if name in roles:
                roles[name].email = email
            else:
                victims.append(str(user_id))
        pae_id = (
            await connection.execute(sa.select(Airport.id).where(Airport.code == "PAE"))
        ).scalar_one()
        canadian = (
            await connection.execute(
                sa.select(Airport.code)
                .where(Airport.country == "CA")
                .order_by(Airport.code)
                .limit(1)
            )
        ).scalar_one()
    await engine.dispose()

    seed_app = fuzz_app(settings)
    async with seed_app.router.lifespan_context(seed_app):

        def client(role: Role) -> httpx.AsyncClient:
            return httpx.AsyncClient(
                transport=httpx.ASGITransport(Peer(seed_app)),
                base_url="http://test",
                headers=role.request_headers(),
                cookies=role.cookies,
            )

        for name in ("known", "admin"):
            await sign_in_async(client, roles[name])
        async with client(roles["admin"]) as admin:
            created = await _ok(
                admin.post(
                    "/api/v1/users/me/tokens", json={"name": "fuzz", "scopes": ["read", "write"]}
                )
            )
            roles["admin"].headers = {"Authorization": f"Bearer {created['token']}"}
            roles["admin"].cookies = {}
        async with client(roles["known"]) as known:
            tags = (await _ok(known.get("/api/v1/meta")))["tags"]
            tag = next(t["name"] for t in tags if t["addable"])
            added = [
                await _ok(
                    known.post(
                        "/api/v1/airports",
                        json={"name": f"Fuzz Field {n}", "latitude": 47.5, "longitude": -121.5 - n},
                    )
                )
                for n in (1, 2, 3)
            ]
            codes = [airport["code"] for airport in added]
            airport_ids = [airport["id"] for airport in added]
            detail = await _ok(known.get(f"/api/v1/airports/{codes[0]}"))
            base = detail["wiki"]["wifi"]["version"]
            await _ok(
                known.patch(
                    f"/api/v1/airports/{codes[0]}", json={"wifi": {"text": "Free", "base": base}}
                )
            )
            comments = [
                (await _ok(known.post(f"/api/v1/airports/{code}/comments", json={"body": "Nice"})))[
                    "id"
                ]
                for code in ("PAE", codes[0])
            ]
            event = {
                "name": "Pancake breakfast",
                "starts_at": "2030-06-01T08:00:00",
                "ends_at": "2030-06-01T11:00:00",
                "timezone": "America/Los_Angeles",
            }
            events = [
                (await _ok(known.post(f"/api/v1/airports/{code}/events", json=event)))["id"]
                for code in ("PAE", codes[0])
            ]
            await known.post(
                f"/api/v1/airports/{codes[0]}/webcams", json={"url": "https://example.com/cam.jpg"}
            )
            await known.post(
                f"/api/v1/airports/{codes[0]}/photos",
                files={"file": ("photo.png", _png(), "image/png")},
            )
            tokens = [
                (await _ok(known.post("/api/v1/users/me/tokens", json={"name": f"t{n}"})))["id"]
                for n in (1, 2)
            ]
            known_id = (await _ok(known.get("/api/v1/users/me")))["id"]
        async with client(roles["admin"]) as admin:
            full = await _ok(admin.get(f"/api/v1/airports/{codes[0]}"))
            webcams = [webcam["id"] for webcam in full.get("webcams", [])]
            photos = [photo["id"] for photo in full.get("photos", [])]
            versions = [
                item["id"] for item in (await _ok(admin.get("/api/v1/admin/versions")))["items"]
            ]
            run = await _ok(admin.post("/api/v1/admin/importer/runs", json={"dry_run": True}))

    shared = {
        "name": [tag],
        "run_id": [run["id"]],
        "version_id": versions[:5],
        "comment_id": comments,
        "event_id": events,
        "webcam_id": webcams,
        "photo_id": photos,
        "token_id": tokens,
    }
    readable = {
        **shared,
        "code": ["PAE", "KPAE", canadian, codes[0], str(pae_id)],
        "user_id": [known_id, *victims],
        "airport_id": [str(pae_id), *airport_ids],
    }
    writable = {
        **shared,
        "code": ["PAE", canadian, *codes],
        "user_id": victims,
        "airport_id": airport_ids,
    }
    return roles, readable, writable


async def _ok(request: Any) -> Any:
    response: httpx.Response = await request
    if response.status_code >= 300:
        raise RuntimeError(
            f"Setting up the fuzzer: {response.request.method} {response.request.url} answered "
            f"{response.status_code}: {response.text[:300]}"
        )
    return response.json()


async def sign_in_async(client: Callable[[Role], httpx.AsyncClient], role: Role) -> None:
    async with client(role) as http:
        answer = await _ok(
            http.post("/api/v1/sessions", json={"email": role.email, "password": PASSWORD})
        )
        role.cookies = {SESSION_COOKIE: http.cookies[SESSION_COOKIE]}
        role.headers = {CSRF_HEADER: answer["csrf_token"]}


@contextmanager
def siteverify() -> Iterator[str]:
    """A local stand-in for Cloudflare's siteverify; yields its URL."""
    with local_server(Siteverify) as base:
        yield f"{base}/siteverify"


# ---------------------------------------------------------------------------------------------
# Checks


def error_shape(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx and 5xx answer is ``{"error": <name>, "detail": <sentence>}`` (plus ``fields``
    for invalid parameters, ``conflicts`` for an edit conflict)."""
    status = response.status_code
    if status < 400:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        raise AssertionError(
            f"{status} answered a body that is not JSON: {response.content[:200]!r}"
        ) from None
    assert isinstance(body, dict), f"{status} answered {body!r}, not an object"
    allowed = {"error", "detail", "fields"} | ({"conflicts"} if status == 409 else set())
    keys = set(body)
    assert {"error", "detail"} <= keys, f"{status} answered without error/detail: {body!r}"
    assert not keys - allowed, f"{status} answered unexpected keys {sorted(keys - allowed)}"
    for key in ("error", "detail"):
        assert isinstance(body[key], str), f"{key} is {body[key]!r}"
        assert body[key], f"{key} is empty"
    if "fields" in body:
        fields = body["fields"]
        assert isinstance(fields, list), f"fields is {fields!r}"
        for item in fields:
            assert isinstance(item, dict), item
            assert set(item) == {"field", "message"}, item
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    error_shape,
]


# ---------------------------------------------------------------------------------------------
# The run


@dataclass
class Found:
    """One distinct failure and how often it was seen."""

    operation: str
    role: str
    check: str
    message: str
    example: str
    count: int = 1


@dataclass
class Report:
    cases: Counter[tuple[str, str]] = field(default_factory=Counter)
    found: dict[tuple[str, str, str], Found] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.cases.values())

    def add(self, operation: str, role: str, check: str, message: str, example: str) -> None:
        first_line = message.strip().splitlines()[0] if message.strip() else check
        key = (operation, check, first_line[:160])
        if key in self.found:
            self.found[key].count += 1
        else:
            self.found[key] = Found(operation, role, check, message.strip(), example)

    def summary(self) -> str:
        lines = [f"{self.total} cases in {self.seconds:.0f} s; {len(self.found)} distinct failures"]
        for found in self.found.values():
            lines.append(
                f"\n[{found.operation} as {found.role}, seen {found.count}×] {found.check}\n"
                f"{found.message[:1500]}\n  {found.example[:600]}"
            )
        return "\n".join(lines)


class Fuzzer:
    """Runs every operation of the schema as every role, in both generation modes."""

    repairs: ClassVar[tuple[str, ...]] = ("admin-set_read_only", "users-logout")

    def __init__(self, world: World) -> None:
        self.world = world
        self.schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", world.app)
        self.operations = [result.ok() for result in self.schema.get_all_operations()]

    def operation_ids(self, with_inputs: bool | None = None) -> list[str]:
        """The operations' ids (only those with or without inputs, if told)."""
        return [
            str(operation.definition.raw["operationId"])
            for operation in self.operations
            if with_inputs is None or _has_inputs(operation) == with_inputs
        ]

    def run(
        self,
        examples: int,
        *,
        roles: tuple[str, ...] = ROLES,
        modes: tuple[GenerationMode, ...] = MODES,
        seed: int | None = None,
        only: Callable[[str], bool] = lambda _: True,
        progress: Callable[[str, str, str, int], None] | None = None,
    ) -> Report:
        """Fuzz; ``examples`` per operation, role and mode. Derandomized unless ``seed``."""
        report = Report()
        started = time.perf_counter()
        for operation in self.operations:
            operation_id = str(operation.definition.raw["operationId"])
            if not only(operation_id):
                continue
            for role_name in roles:
                for mode in modes:
                    before = report.cases[(operation_id, role_name)]
                    self._fuzz(operation, operation_id, role_name, mode, examples, seed, report)
                    if progress:
                        tried = report.cases[(operation_id, role_name)] - before
                        progress(operation_id, role_name, mode.value, tried)
        report.seconds = time.perf_counter() - started
        return report

    def _strategy(self, operation: Any, mode: GenerationMode) -> st.SearchStrategy[Any]:
        """Schemathesis' cases, their path parameters replaced by real values half the time."""
        strategy = operation.as_strategy(generation_mode=mode)
        parameters = [
            parameter.name
            for parameter in operation.path_parameters
            if self.world.pool(operation.method, parameter.name)
        ]
        if not parameters:
            return strategy
        choices = st.fixed_dictionaries(
            {
                name: st.one_of(st.none(), st.sampled_from(self.world.pool(operation.method, name)))
                for name in parameters
            }
        )

        def apply(pair: tuple[Any, dict[str, str | None]]) -> Any:
            case, values = pair
            for name, value in values.items():
                if value is not None and case.path_parameters is not None:
                    case.path_parameters[name] = value
            return case

        return st.tuples(strategy, choices).map(apply)

    def _fuzz(
        self,
        operation: Any,
        operation_id: str,
        role_name: str,
        mode: GenerationMode,
        examples: int,
        seed: int | None,
        report: Report,
    ) -> None:
        role = self.world.roles[role_name]

        @hypothesis.settings(
            max_examples=examples,
            deadline=None,
            derandomize=seed is None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            verbosity=Verbosity.quiet,
            print_blob=False,
        )
        @hypothesis.given(case=self._strategy(operation, mode))
        def fuzz(case: Any) -> None:
            self._one(case, operation_id, role, report)
            # The same valid request again with a NUL in each of its texts (rare in what
            # Hypothesis draws, fatal to PostgreSQL): a clear 422, never a 500.
            if mode == GenerationMode.POSITIVE and _with_nul(case):
                self._one(case, operation_id, role, report)

        if seed is not None:
            fuzz = hypothesis.seed(seed)(fuzz)
        try:
            fuzz()
        except hypothesis.errors.Unsatisfiable:
            if mode == GenerationMode.POSITIVE or _has_inputs(operation):
                report.skipped[f"{operation_id}/{role_name}/{mode.value}"] = "unsatisfiable"
        except Exception as error:  # generation problems, not the API's
            name = f"{operation_id}/{role_name}/{mode.value}"
            report.skipped[name] = f"{type(error).__name__}: {str(error)[:300]}"

    def _one(self, case: Any, operation_id: str, role: Role, report: Report) -> None:
        report.cases[(operation_id, role.name)] += 1
        headers = role.request_headers()
        try:
            response = case.call(headers=headers, cookies=role.cookies)
        except Exception as error:
            frames = traceback.extract_tb(error.__traceback__)
            ours = [f for f in frames if "/api/" in f.filename] or frames[-3:]
            where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(ours[-4:]))
            report.add(
                operation_id,
                role.name,
                "exception",
                f"{type(error).__name__}: {error} (at {where})",
                _curl(case, headers),
            )
            return
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                report.add(
                    operation_id,
                    role.name,
                    type(failure).__name__,
                    f"{failure.title}: {failure.message}\n  answered {response.status_code} "
                    f"{response.content[:300]!r}",
                    _curl(case, headers),
                )
        self._repair(operation_id, role, response.status_code)

    def _repair(self, operation_id: str, role: Role, status: int) -> None:
        """Undo what would stop the fuzzer's own requesters from working: read-only mode, a
        signed-out session."""
        if status >= 300:
            return
        with asgi.get_client(self.world.app) as http:
            if operation_id == "admin-set_read_only":
                admin = self.world.roles["admin"]
                answer = http.put(
                    "http://testserver/api/v1/admin/read-only",
                    json={"read_only": False},
                    headers=admin.request_headers(),
                )
                assert answer.status_code == 200, answer.text
            elif operation_id == "users-logout" and role.cookies:
                answer = http.post(
                    "http://testserver/api/v1/sessions",
                    json={"email": role.email, "password": PASSWORD},
                    headers={PEER_HEADER: role.address},
                )
                assert answer.status_code == 200, answer.text
                role.cookies = {SESSION_COOKIE: answer.cookies[SESSION_COOKIE]}
                role.headers = {CSRF_HEADER: answer.json()["csrf_token"]}


def _with_nul(case: Any) -> bool:
    """Put a NUL into every text of the case's path, query and JSON body; whether it had any."""
    found = False

    def spoil(value: Any) -> Any:
        nonlocal found
        if isinstance(value, str):
            found = True
            return value[:1] + "\x00" + value[1:]
        if isinstance(value, dict):
            return {key: spoil(item) for key, item in value.items()}
        if isinstance(value, list):
            return [spoil(item) for item in value]
        return value

    for name in ("path_parameters", "query"):
        if getattr(case, name):
            setattr(case, name, spoil(getattr(case, name)))
    if isinstance(case.body, (dict, list, str)) and "json" in str(case.media_type or ""):
        case.body = spoil(case.body)
    return found


def _has_inputs(operation: Any) -> bool:
    """Whether the operation takes parameters or a body (else there is nothing to negate)."""
    return bool(list(operation.iter_parameters()) or operation.body)


def _curl(case: Any, headers: dict[str, str]) -> str:
    try:
        return str(case.as_curl_command(headers=headers))
    except Exception:
        return repr(case)
