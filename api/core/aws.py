"""boto3 clients made one way everywhere: the settings' profile, region and endpoint, short
timeouts and a bounded number of attempts."""

from __future__ import annotations

from typing import Any


def aws_client(
    service: str,
    *,
    region: str,
    profile: str | None = None,
    endpoint_url: str | None = None,
    timeout_seconds: float = 10.0,
    attempts: int = 3,
    pool_connections: int = 10,
) -> Any:
    """A client of ``service``; botocore retries throttling and 5xx answers ``attempts`` times
    in all (and gives calls like ECS RunTask a client token, so a retry cannot act twice)."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=timeout_seconds,
        read_timeout=timeout_seconds,
        retries={"mode": "standard", "total_max_attempts": attempts},
        max_pool_connections=pool_connections,
    )
    # A session of its own: boto3's default session is not safe to share between threads.
    session = boto3.session.Session(profile_name=profile, region_name=region)
    make: Any = session.client  # one signature per service in the stubs; the caller types it
    return make(service, region_name=region, endpoint_url=endpoint_url, config=config)
