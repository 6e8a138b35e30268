"""Cloudflare Turnstile: the server-side check of a CAPTCHA answer."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import httpx

from api.core.errors import ServiceUnavailable

logger = logging.getLogger("api.captcha")

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True, slots=True)
class TurnstileClient:
    secret_key: str
    verify_url: str

    async def verify(self, response_token: str, remote_ip: str | None) -> bool:
        """Whether Cloudflare accepts the answer; ServiceUnavailable when it cannot be asked."""
        data = {"secret": self.secret_key, "response": response_token}
        if remote_ip:
            data["remoteip"] = remote_ip
        try:
            async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS) as http:
                answer = await http.post(self.verify_url, data=data)
                answer.raise_for_status()
                return bool(answer.json().get("success"))
        except (httpx.HTTPError, ValueError) as error:
            logger.warning("The CAPTCHA check failed: %s", error)
            raise ServiceUnavailable(
                "The CAPTCHA could not be checked just now; try again in a moment."
            ) from None
