"""Who may read the history of an airport."""

from __future__ import annotations

from api.core import policy
from api.core.policy import Requester


def read_history(requester: Requester) -> None:
    """The history is public."""
    policy.anyone("airports.read_history")
