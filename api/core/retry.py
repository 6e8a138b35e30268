"""The one way Pirep tries a call again: stamina's attempts, with waits that double from a first
wait, without jitter and without an overall deadline (a download may take long by itself).

Each caller logs a failed attempt in a sentence of its own (what failed, why, what follows);
stamina's structured line about the same retry is switched off so that it is not said twice.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator

import stamina
from stamina.instrumentation import set_on_retry_hooks

set_on_retry_hooks(())


def attempts(
    on: type[Exception] | tuple[type[Exception], ...],
    *,
    count: int,
    first_wait: float,
    max_wait: float = math.inf,
) -> AsyncIterator[stamina.Attempt]:
    """Up to ``count`` attempts of the block under ``with attempt:``, tried again while it raises
    ``on``; the waits are ``first_wait``, then twice as long each time, at most ``max_wait``
    seconds. The last failure is raised as it is. ``stamina.set_testing`` removes the waits."""
    return stamina.retry_context(
        on=on,
        attempts=count,
        timeout=None,
        wait_initial=first_wait,
        wait_max=max_wait,
        wait_jitter=0.0,
        wait_exp_base=2,
    )
