"""Cross-cutting dependencies: settings, database, Redis, the caller, the tenant transaction.

Every dependency here is `async def`, even the trivial ones: FastAPI runs a plain `def`
dependency in the thread pool, which costs a thread hand-off on every request (issue 18).
"""

import ipaddress
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.authz import Permission
from app.core.config import Settings
from app.core.database import Database
from app.core.errors import Unauthorized
from app.core.file_crypto import KeyEncryptionKey
from app.core.jobs import JobBuffer
from app.core.queue import publish
from app.core.security import AccessClaims, decode_access_token
from app.core.storage import Storage
from app.core.tenancy import OrgId, Principal
from app.core.unit_of_work import set_tenant, unit_of_work
from app.integrations.rag import RagClient
from app.models.enums import Role
from app.services.audit import ClientInfo
from app.services.identity.authz import authorize
from app.services.identity.principals import PrincipalCache


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_redis(request: Request) -> Redis:
    redis: Redis = request.app.state.redis
    return redis


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
RedisDep = Annotated[Redis, Depends(get_redis)]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def principal_cache_of(app: Any) -> PrincipalCache:
    """One per app (tests may pre-set app.state.principal_cache)."""
    state = app.state
    cache: PrincipalCache | None = getattr(state, "principal_cache", None)
    if cache is None:
        cache = state.principal_cache = PrincipalCache(state.settings.principal_cache_seconds)
    return cache


def principal_cache(request: Request) -> PrincipalCache:
    return principal_cache_of(request.app)


# The request's one unit of work and job buffer, kept in the ASGI scope's per-request state: the
# caller dependency and `RequestSession` share them whichever of the two a route declares first.
_UNIT = "pifai.unit_of_work"
_JOBS = "pifai.jobs"


def _request_state(request: Request) -> dict[str, Any]:
    state: dict[str, Any] = request.scope.setdefault("state", {})
    return state


def _jobs_of(request: Request) -> JobBuffer:
    state = _request_state(request)
    jobs: JobBuffer | None = state.get(_JOBS)
    if jobs is None:
        jobs = state[_JOBS] = JobBuffer()
    return jobs


async def get_job_buffer(request: Request) -> JobBuffer:
    """The request's one buffer (drained by whoever opened the unit of work, after commit)."""
    return _jobs_of(request)


Jobs = Annotated[JobBuffer, Depends(get_job_buffer)]


@asynccontextmanager
async def _request_unit(request: Request, redis: Redis) -> AsyncIterator[AsyncSession]:
    """Open the request's unit of work, or join the one already open (no second connection).

    The opener commits when the handler returns and then publishes the buffered jobs."""
    state = _request_state(request)
    open_session: AsyncSession | None = state.get(_UNIT)
    if open_session is not None:
        yield open_session
        return
    db: Database = request.app.state.db
    async with unit_of_work(db.engine) as session:
        state[_UNIT] = session
        try:
            yield session
        finally:
            state.pop(_UNIT, None)
    await publish(redis, _jobs_of(request).drain())


async def request_session(request: Request, redis: RedisDep) -> AsyncIterator[AsyncSession]:
    """The request's one session and transaction (no tenant yet); jobs publish after commit."""
    async with _request_unit(request, redis) as session:
        yield session


# scope="function": commit (and publish) run when the handler returns, *before* the response is
# sent; with the default scope they would run after it, and a failed commit would still be a 2xx.
RequestSession = Annotated[AsyncSession, Depends(request_session, scope="function")]


def verify_token(settings: Settings, token: str | None) -> AccessClaims:
    """The bearer token's signature and expiry, checked before anything touches the database."""
    if not token:
        raise Unauthorized("Missing bearer token", code="not_authenticated")
    try:
        return decode_access_token(settings, token)
    except (jwt.InvalidTokenError, ValueError) as exc:
        raise Unauthorized("Invalid or expired token", code="invalid_token") from exc


async def verified_claims(
    settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> AccessClaims:
    return verify_token(settings, token)


# before the Redis client and the unit of work: a bad token is refused with nothing touched
VerifiedClaims = Annotated[AccessClaims, Depends(verified_claims)]


async def resolve_principal(
    request: Request, session: AsyncSession, claims: AccessClaims
) -> Principal:
    """A valid token of a live session; role, org and active state come from the database."""
    state = await principal_cache(request).resolve(
        session, request.app.state.redis, claims.user_id, claims.session_id
    )
    if state is not None and state.session_revoked:
        raise Unauthorized("This session has ended; sign in again", code="session_revoked")
    if state is None or not state.is_active:
        raise Unauthorized("This account no longer exists or is disabled", code="invalid_token")
    org = OrgId(state.org_id) if state.org_id else None
    return Principal(
        user_id=claims.user_id,
        org_id=org,
        role=Role(state.role),
        jti=claims.jti,
        session_id=claims.session_id,
    )


@dataclass(slots=True)
class Caller:
    """What the one caller dependency yields: the principal and the request's session."""

    principal: Principal
    session: AsyncSession
    request: Request

    @property
    def client(self) -> ClientInfo:
        return client_info_of(self.request)

    @property
    def jobs(self) -> JobBuffer:
        return _jobs_of(self.request)


_CALLER = "pifai.caller"


@asynccontextmanager
async def open_caller(
    request: Request, claims: AccessClaims, redis: Redis
) -> AsyncIterator[Caller]:
    """The request's caller, built once however many of a route's dependencies ask for it:
    the unit of work (committed when the handler returns, jobs published after), then the
    principal of the verified token."""
    state = _request_state(request)
    known: Caller | None = state.get(_CALLER)
    if known is not None:
        yield known
        return
    async with _request_unit(request, redis) as session:
        who = Caller(await resolve_principal(request, session, claims), session, request)
        state[_CALLER] = who
        try:
            yield who
        finally:
            state.pop(_CALLER, None)


async def caller(
    request: Request, claims: VerifiedClaims, redis: RedisDep
) -> AsyncIterator[Caller]:
    """The one dependency of an authenticated request (issue 18: one node instead of a tree)."""
    async with open_caller(request, claims, redis) as who:
        yield who


CallerDep = Annotated[Caller, Depends(caller, scope="function")]


async def current_principal(who: CallerDep) -> Principal:
    return who.principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def tenant_session(who: CallerDep) -> AsyncSession:
    """The request's session with RLS set to the caller's org."""
    await set_tenant(who.session, who.principal.tenant_org)
    return who.session


TenantSession = Annotated[AsyncSession, Depends(tenant_session)]


def _client_ip(request: Request) -> str | None:
    # the column is inet: a peer that is not an IP (unix socket, test client) is recorded as unknown
    host = request.client.host if request.client else None
    try:
        return str(ipaddress.ip_address(host)) if host else None
    except ValueError:
        return None


def client_info_of(request: Request) -> ClientInfo:
    return ClientInfo(ip=_client_ip(request), user_agent=request.headers.get("user-agent"))


async def client_info(request: Request) -> ClientInfo:
    return client_info_of(request)


Client = Annotated[ClientInfo, Depends(client_info)]


def require_permission(permission: Permission) -> Any:
    """Dependency factory: 403 (audited `authz.denied`) unless the caller's role grants it."""

    async def _check(who: CallerDep) -> Principal:
        await authorize(who.session, who.principal, permission, client=who.client)
        return who.principal

    return Depends(_check)


async def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


async def get_kek(request: Request) -> KeyEncryptionKey:
    kek: KeyEncryptionKey = request.app.state.kek
    return kek


async def get_rag(request: Request) -> RagClient:
    rag: RagClient = request.app.state.rag
    return rag


StorageDep = Annotated[Storage, Depends(get_storage)]
KekDep = Annotated[KeyEncryptionKey, Depends(get_kek)]
RagDep = Annotated[RagClient, Depends(get_rag)]
