"""Google sign-in: verify an ID token against Google's JWKS (cached) and the client id."""

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from app import jwt_with_crypto
from app.core.config import Settings
from app.core.errors import DomainError, Forbidden, NotFound, ServiceUnavailable, Unauthorized
from app.core.tenancy import org_of
from app.core.unit_of_work import keep_on_refusal, set_tenant
from app.integrations.http import build_client, default_user_agent
from app.models.enums import Role
from app.services import audit
from app.services.audit import ClientInfo
from app.services.identity import repository, totp
from app.services.identity.sessions import TokenPair, issue_tokens

GOOGLE_ISSUERS = ["https://accounts.google.com", "accounts.google.com"]


@dataclass(frozen=True)
class GoogleIdentity:
    sub: str
    email: str | None
    email_verified: bool
    name: str | None


@dataclass
class GoogleVerifier:
    """Holds the JWKS cache; one per app (kept on app.state), refreshed on expiry or unknown kid."""

    client_id: str
    jwks_url: str
    cache_seconds: int = 3600
    transport: httpx.AsyncBaseTransport | None = None
    _keys: dict[str, jwt.PyJWK] = field(default_factory=dict, repr=False)
    _fetched_at: float = field(default=0.0, repr=False)

    @classmethod
    def from_settings(
        cls, settings: Settings, transport: httpx.AsyncBaseTransport | None = None
    ) -> "GoogleVerifier":
        if not settings.google_client_id:
            # a feature this install does not offer, not an outage: 404, not 503
            raise NotFound("Google sign-in is not configured", code="google_disabled")
        return cls(
            settings.google_client_id,
            settings.google_jwks_url,
            settings.google_jwks_cache_seconds,
            transport,
        )

    async def _fetch(self) -> None:
        host = httpx.URL(self.jwks_url).host
        async with build_client(
            allowed_hosts=[host],
            timeout=10.0,
            user_agent=default_user_agent(),
            transport=self.transport,
        ) as client:
            response = await client.get(self.jwks_url)
            response.raise_for_status()
            jwks: dict[str, Any] = response.json()
        jwt_with_crypto()  # RS256 keys: PyJWT's cryptography-backed algorithms (app/__init__.py)
        self._keys = {str(k["kid"]): jwt.PyJWK(k) for k in jwks.get("keys", []) if k.get("kid")}
        self._fetched_at = time.monotonic()

    async def key_for(self, kid: str) -> jwt.PyJWK | None:
        expired = time.monotonic() - self._fetched_at > self.cache_seconds
        if expired or not self._keys:
            await self._fetch()
        elif kid not in self._keys:
            await self._fetch()  # Google rotates keys; one refetch per unknown kid
        return self._keys.get(kid)

    async def verify(self, id_token: str) -> GoogleIdentity:
        invalid = Unauthorized("Invalid Google credential", code="invalid_google_token")
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
        except jwt.InvalidTokenError as exc:
            raise invalid from exc
        try:
            key = await self.key_for(str(kid)) if kid else None
        except (httpx.HTTPError, ValueError, KeyError) as exc:
            raise ServiceUnavailable("Could not reach Google", code="google_unavailable") from exc
        if key is None:
            raise invalid
        try:
            claims = jwt.decode(
                id_token,
                key,
                algorithms=["RS256"],
                audience=self.client_id,
                issuer=GOOGLE_ISSUERS,
                options={"require": ["sub", "aud", "iss", "exp", "iat"]},
            )
        except jwt.InvalidTokenError as exc:
            raise invalid from exc
        verified = claims.get("email_verified") in (True, "true")
        email = claims.get("email")
        return GoogleIdentity(
            sub=str(claims["sub"]),
            email=str(email).lower() if email else None,
            email_verified=verified,
            name=claims.get("name"),
        )


async def sign_in(
    session: AsyncSession,
    settings: Settings,
    redis: Redis,
    identity: GoogleIdentity,
    *,
    totp_code: str | None,
    client: ClientInfo,
) -> TokenPair:
    """Log in by Google subject, or link it to the account with the same verified e-mail."""
    error: DomainError | None = None
    pair: TokenPair | None = None
    user = await repository.auth_user_by_google_sub(session, identity.sub)
    link = False
    if user is None and identity.email and identity.email_verified:
        user = await repository.auth_user_by_email(session, identity.email)
        link = user is not None
    now = datetime.now(UTC)
    if user is None or user.org_id is None or user.role == Role.SUPER_ADMIN:
        error = Unauthorized(
            "No account for this Google identity; register first", code="account_not_found"
        )
    elif not user.is_active or (user.locked_until is not None and user.locked_until > now):
        error = Forbidden("This account cannot sign in right now", code="account_unavailable")
    elif user.totp_enabled and not totp_code:
        error = Unauthorized("TOTP code required", code="totp_required")
    elif user.totp_enabled and not await totp.check_code(
        session, settings, user.id, totp_code or "", allow_recovery=True
    ):
        await audit.record(
            session, "auth.totp_failed", org_id=user.org_id, user_id=user.id, client=client
        )
        error = Unauthorized("Invalid or already used TOTP code", code="totp_invalid")
    else:
        if link:
            await set_tenant(session, user.org_id)  # the org is known now
            await repository.link_google_sub(session, user.id, org_of(user), identity.sub)
            await audit.record(
                session,
                "auth.google_linked",
                org_id=user.org_id,
                user_id=user.id,
                client=client,
            )
        await repository.mark_email_verified(session, user.id)
        await repository.login_succeeded(session, user.id)
        await audit.record(
            session,
            "auth.login_success",
            org_id=user.org_id,
            user_id=user.id,
            details={"method": "google"},
            client=client,
        )
        pair = await issue_tokens(session, settings, user, client)
    if error is not None:
        keep_on_refusal(session)  # the failure's audit row, counters and revocations stay
        raise error
    assert pair is not None
    return pair
