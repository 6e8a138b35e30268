"""Outgoing mail: SMTP when configured, otherwise the log (the embedded default)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage

import aiosmtplib

from api.core.settings import Settings

logger = logging.getLogger("api.mail")

SEND_TIMEOUT_SECONDS = 20


@dataclass(frozen=True, slots=True)
class Mailer:
    """Sends plain-text mails; never raises (a failure is logged: the request already ended)."""

    host: str | None
    port: int
    username: str | None
    password: str | None
    starttls: bool
    sender: str

    @classmethod
    def from_settings(cls, settings: Settings) -> Mailer:
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_username,
            password=settings.smtp_password,
            starttls=settings.smtp_starttls,
            sender=settings.mail_from,
        )

    async def send(self, to: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        if self.host is None:
            logger.info("Mail to %s (no SMTP server configured): %s\n%s", to, subject, body)
            return
        try:
            await aiosmtplib.send(
                message,
                hostname=self.host,
                port=self.port,
                username=self.username,
                password=self.password,
                start_tls=self.starttls,
                timeout=SEND_TIMEOUT_SECONDS,
            )
        except (aiosmtplib.SMTPException, OSError) as error:
            logger.error("Could not send the mail %r to %s: %s", subject, to, error)
