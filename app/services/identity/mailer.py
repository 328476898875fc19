"""Outgoing e-mail: console backend (default) or SMTP via aiosmtplib; sending is fail-soft."""

from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import structlog

from app.core.config import EmailBackend, Settings

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class Mailer(Protocol):
    async def send(self, mail: Mail) -> None: ...


@dataclass(frozen=True)
class ConsoleMailer:
    """Development: prints the message so links can be followed without a mail server."""

    async def send(self, mail: Mail) -> None:
        print(f"--- e-mail to {mail.to}: {mail.subject}\n{mail.body}\n---", flush=True)


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    start_tls: bool = False
    use_tls: bool = False
    timeout: float = 10.0

    async def send(self, mail: Mail) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, mail.to, mail.subject
        message.set_content(mail.body)
        import aiosmtplib  # loaded on the first SMTP send, not at start-up (issue 18: idle RSS)

        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            start_tls=self.start_tls,
            use_tls=self.use_tls,
            timeout=self.timeout,
        )


def mailer_for(settings: Settings) -> Mailer:
    if settings.email_backend is EmailBackend.CONSOLE:
        return ConsoleMailer()
    return SmtpMailer(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        username=settings.smtp_username,
        password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
        start_tls=settings.smtp_starttls,
        use_tls=settings.smtp_use_tls,
        timeout=settings.smtp_timeout_seconds,
    )


async def send_quietly(mailer: Mailer, mail: Mail) -> None:
    """Never fail the request over e-mail; log the failure without the message body."""
    try:
        await mailer.send(mail)
    except Exception as exc:
        log.warning("email_send_failed", subject=mail.subject, error_type=type(exc).__name__)
