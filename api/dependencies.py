"""Request-scoped dependencies shared by the routers."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.routing import BaseRoute

from api.core import policy, ratelimit
from api.core.errors import Forbidden, PirepError, Unauthorized
from api.core.policy import UNSAFE_METHODS, Principal, Requester
from api.core.tokens import csrf_token, same
from api.errors import TOO_MANY_RESPONSE
from api.state import AppState, state_of
from api.users import service as users_service

logger = logging.getLogger("api")

SESSION_COOKIE = "pirep_session"
CSRF_HEADER = "X-CSRF-Token"


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session committed once before the response is sent, rolled back on any error.

    A session the request never used (a cached answer) costs nothing to finish. A request that
    changes something must have consulted a policy (see `api.core.policy`), or nothing of it is
    kept.
    """
    session = state_of(request.app).session_factory()
    # Who wrote (after trusted proxies): changes tell the map rebuilder, see MapRebuilder.
    session.info["client"] = request.client.host if request.client else None
    try:
        yield session
        if request.method in UNSAFE_METHODS and not policy.consulted():
            logger.error("%s %s consulted no policy", request.method, request.url.path)
            raise policy.PolicyNotConsulted(
                f"{request.method} {request.url.path} consulted no policy; nothing was changed."
            )
        if session.in_transaction():
            await session.commit()
    except PirepError as error:
        if session.in_transaction():
            await (session.commit() if error.keeps_changes else session.rollback())
        raise
    except BaseException:
        if session.in_transaction():
            await session.rollback()
        raise
    finally:
        if session.in_transaction():
            await session.close()


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_state(request: Request) -> AppState:
    """The application's settings, clients and caches. (Async: FastAPI runs a plain function
    dependency in its thread pool, a thread hop per request.)"""
    return state_of(request.app)


StateDep = Annotated[AppState, Depends(get_state)]


def _too_many(detail: str, verdict: ratelimit.Verdict) -> HTTPException:
    return HTTPException(
        429,
        f"{detail} Try again in {verdict.retry_after} seconds.",
        headers={"Retry-After": str(verdict.retry_after)},
    )


UNKNOWN_TOKEN = "The API token is unknown, expired or revoked."  # noqa: S105 (a message)


def bearer_token(request: Request) -> str | None:
    """The API token of ``Authorization: Bearer <token>``; None without the header."""
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("Send an API token as `Authorization: Bearer <token>`.")
    return value.strip()


async def limit_writes(request: Request, state: StateDep) -> None:
    """At most ``PIREP_WRITE_LIMIT_PER_MINUTE`` writes a minute per client address, in every
    process together; more are refused with 429 and Retry-After.

    A dependency of every route that writes (``dependencies=[WRITE_LIMIT]``), but those of the
    administrators and the page-view counts. It runs before the route's other dependencies,
    and counts refused and failed requests too.
    """
    limit = state.settings.write_limit_per_minute
    address = request.client.host if request.client else "unknown"
    verdict = await ratelimit.hit(state.single_statements, f"write:{address}", limit)
    setattr(request.state, ratelimit.RATE_LIMIT_STATE, verdict)
    if not verdict.allowed:
        raise _too_many(f"Too many changes from this address: at most {limit} a minute.", verdict)


async def limit_reads(request: Request, state: StateDep) -> None:
    """At most ``PIREP_READ_LIMIT_PER_MINUTE`` reads a minute per client address of the airport
    pages (the reads under ``/api/v1/airports/``, the search box's among them) and of the change
    feed and exports, counted in memory and shared between processes in batches; more are
    refused with 429 and Retry-After.

    Reads with an API token an admin gave a read quota are counted under the token, up to its
    quota, wherever they come from (see `api.users.quotas`).
    """
    limiter = state.read_limiter
    token = bearer_token(request)
    quota = None
    if token is not None:
        quota = await state.token_quotas.of(state.single_statements, token)
        if quota is None:
            raise Unauthorized(UNKNOWN_TOKEN)
    if quota is not None and quota.limit is not None:
        verdict = await limiter.hit(
            state.single_statements, f"read:token:{quota.token_id}", quota.limit
        )
        refusal = f"Too many reads with this API token: at most {quota.limit} a minute."
    else:
        address = request.client.host if request.client else "unknown"
        verdict = await limiter.hit(state.single_statements, f"read:{address}")
        refusal = f"Too many airport pages from this address: at most {limiter.limit} a minute."
    setattr(request.state, ratelimit.RATE_LIMIT_STATE, verdict)
    if not verdict.allowed:
        raise _too_many(refusal, verdict)


WRITE_LIMIT = Depends(limit_writes)
READ_LIMIT = Depends(limit_reads)


def document_limits(routes: Iterable[BaseRoute]) -> None:
    """Each route under a rate limit says in its OpenAPI that it may answer 429."""
    for route in routes:
        if isinstance(route, APIRoute) and any(
            dependency.dependency in (limit_writes, limit_reads)
            for dependency in route.dependencies
        ):
            # A copy: routes share their dicts of responses.
            route.responses = {**route.responses, 429: TOO_MANY_RESPONSE}


async def authenticate(request: Request, session: SessionDep) -> Principal | None:
    """The requester: an API token (``Authorization: Bearer``), a session cookie, or nobody.

    Unsafe requests authenticated by the cookie must carry the session's CSRF token; requests
    with a token need its ``write`` scope.
    """
    token = bearer_token(request)
    if token is not None:
        found = await users_service.authenticate_api_token(
            session, token, state_of(request.app).single_statements
        )
        if found is None:
            raise Unauthorized(UNKNOWN_TOKEN)
        token_user, scopes = found
        if request.method in UNSAFE_METHODS and "write" not in scopes:
            raise Forbidden("This API token may only read.")
        return Principal(user=token_user, via="token", scopes=frozenset(scopes))
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    user = await users_service.authenticate_session(session, cookie)
    if user is None:
        return None
    if request.method in UNSAFE_METHODS and not same(
        request.headers.get(CSRF_HEADER, ""), csrf_token(cookie)
    ):
        raise Forbidden(f"The {CSRF_HEADER} header is missing or does not match the session.")
    return Principal(user=user, via="session", scopes=frozenset({"read", "write"}))


async def _requester(
    request: Request, session: AsyncSession, principal: Principal | None
) -> Requester:
    unsafe = request.method in UNSAFE_METHODS
    state = state_of(request.app)
    return Requester(
        principal=principal,
        address=request.client.host if request.client else None,
        read_only=unsafe and await state.read_only.current(session),
        verification_required=state.captcha is not None,
    )


async def get_requester(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal | None, Depends(authenticate)],
) -> Requester:
    """Who asks and the state of the site, for the policies. The read-only switch is only
    looked at for requests that could change something."""
    return await _requester(request, session, principal)


async def get_public_requester(request: Request, session: SessionDep) -> Requester:
    """The requester of a route where who is signed in does not matter (signing in, mailed
    links): any session cookie or token is ignored, so it needs no CSRF header either."""
    return await _requester(request, session, None)


RequesterDep = Annotated[Requester, Depends(get_requester)]
PublicRequesterDep = Annotated[Requester, Depends(get_public_requester)]
