"""Asking a source on the internet, patiently: every job's HTTP requests go through here."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from api.core import retry

logger = logging.getLogger("api.jobs")

ATTEMPTS = 3
BACKOFF_SECONDS = 2.0


class SourceError(Exception):
    """A source could not be reached, or did not answer as it should."""


class _Unanswered(Exception):
    """An attempt that another may fix: the source timed out, was unreachable or answered 5xx."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


async def request(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    what: str,
    attempts: int = ATTEMPTS,
    backoff_seconds: float | None = None,
    **options: Any,
) -> httpx.Response:
    """The answer to a request, tried ``attempts`` times with doubling waits while the source
    times out, cannot be reached or answers 5xx; any other answer than 200 is a SourceError."""
    wait = BACKOFF_SECONDS if backoff_seconds is None else backoff_seconds
    try:
        async for attempt in retry.attempts(_Unanswered, count=attempts, first_wait=wait):
            with attempt:
                try:
                    answer = await _answer(http, method, url, options)
                except _Unanswered as failure:
                    if attempt.num < attempts:
                        logger.warning(
                            "%s: attempt %d of %d failed (%s); trying again.",
                            what,
                            attempt.num,
                            attempts,
                            failure.problem,
                        )
                    raise
    except _Unanswered as failure:
        raise SourceError(f"{url} failed {attempts} times; last: {failure.problem}") from None
    if answer.status_code != 200:
        raise SourceError(f"{url} answered HTTP {answer.status_code}")
    return answer


async def _answer(
    http: httpx.AsyncClient, method: str, url: str, options: dict[str, Any]
) -> httpx.Response:
    """The source's answer below 500; raises ``_Unanswered`` for what another attempt may fix."""
    try:
        answer = await http.request(method, url, **options)
    except httpx.TimeoutException:
        raise _Unanswered("timed out") from None
    except httpx.TransportError as error:
        raise _Unanswered(f"{type(error).__name__}: {error}".rstrip(": ")) from None
    if answer.status_code >= 500:
        raise _Unanswered(f"HTTP {answer.status_code}")
    return answer
