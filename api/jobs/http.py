"""Asking a source on the internet, patiently: every job's HTTP requests go through here."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx

logger = logging.getLogger("api.jobs")

ATTEMPTS = 3
BACKOFF_SECONDS = 2.0


class SourceError(Exception):
    """A source could not be reached, or did not answer as it should."""


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
    for attempt in range(1, attempts + 1):
        try:
            answer = await http.request(method, url, **options)
        except httpx.TimeoutException:
            problem = "timed out"
        except httpx.TransportError as error:
            problem = f"{type(error).__name__}: {error}".rstrip(": ")
        else:
            if answer.status_code < 500:
                break
            problem = f"HTTP {answer.status_code}"
        if attempt == attempts:
            raise SourceError(f"{url} failed {attempts} times; last: {problem}")
        logger.warning(
            "%s: attempt %d of %d failed (%s); trying again.", what, attempt, attempts, problem
        )
        await asyncio.sleep(wait * 2 ** (attempt - 1))
    if answer.status_code != 200:
        raise SourceError(f"{url} answered HTTP {answer.status_code}")
    return answer
