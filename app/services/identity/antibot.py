"""Anti-bot check for Google sign-in: a Turnstile / reCAPTCHA token verified server-side.

Both services share the siteverify contract (form `secret`, `response`, `remoteip` → JSON
`{"success": bool, "error-codes": [...]}`), so the provider is chosen by URL alone.
"""

from dataclasses import dataclass

import httpx

from app.core.config import Settings
from app.core.errors import ServiceUnavailable, Unauthorized
from app.integrations.http import build_client, default_user_agent


@dataclass(frozen=True)
class AntibotVerifier:
    """`secret` None: the check is off (development); otherwise every call needs a token."""

    secret: str | None
    verify_url: str
    transport: httpx.AsyncBaseTransport | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> "AntibotVerifier":
        secret = settings.antibot_secret.get_secret_value() if settings.antibot_secret else None
        return cls(secret, settings.antibot_verify_url)

    async def verify(self, token: str | None, remote_ip: str | None) -> None:
        """Raise 401 `antibot_failed` for a missing or rejected token; 503 if unverifiable.

        Fails closed: a sign-in that skipped the check because the verifier was down is exactly
        what a bot would wait for.
        """
        if self.secret is None:
            return
        if not token:
            raise Unauthorized("An anti-bot token is required", code="antibot_failed")
        form = {"secret": self.secret, "response": token}
        if remote_ip:
            form["remoteip"] = remote_ip
        try:
            async with build_client(
                allowed_hosts=[httpx.URL(self.verify_url).host],
                timeout=10.0,
                user_agent=default_user_agent(),
                transport=self.transport,
            ) as client:
                response = await client.post(self.verify_url, data=form)
                response.raise_for_status()
                success = response.json().get("success") is True
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            raise ServiceUnavailable(
                "The anti-bot check is unavailable; try again shortly", code="antibot_unavailable"
            ) from exc
        if not success:
            raise Unauthorized("The anti-bot check failed", code="antibot_failed")
