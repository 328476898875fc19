"""Cross-cutting dependencies: settings, database, Redis, the caller, the tenant transaction."""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any, NewType

import jwt
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.database import Database
from app.core.errors import Forbidden, Unauthorized
from app.core.file_crypto import KeyEncryptionKey
from app.core.jobs import JobBuffer
from app.core.queue import publish
from app.core.security import decode_access_token
from app.core.storage import Storage
from app.integrations.rag import RagClient
from app.models.enums import Role
from app.services.audit import ClientInfo
from app.services.identity.principals import PrincipalCache

# An org id that came from a verified token, never from client input.
OrgId = NewType("OrgId", uuid.UUID)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_redis(request: Request) -> Redis:
    redis: Redis = request.app.state.redis
    return redis


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
RedisDep = Annotated[Redis, Depends(get_redis)]

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True)
class Principal:
    user_id: uuid.UUID
    org_id: OrgId | None  # None only for super admins
    role: Role
    jti: str
    session_id: uuid.UUID | None = None

    @property
    def tenant_org(self) -> OrgId:
        """The caller's org; super admins have none and must use the BYPASSRLS path."""
        if self.org_id is None:
            raise Forbidden("This action needs an organization account")
        return self.org_id


def principal_cache(request: Request) -> PrincipalCache:
    """One per app (tests may pre-set app.state.principal_cache)."""
    state = request.app.state
    cache: PrincipalCache | None = getattr(state, "principal_cache", None)
    if cache is None:
        cache = state.principal_cache = PrincipalCache(state.settings.principal_cache_seconds)
    return cache


async def current_principal(
    request: Request, settings: SettingsDep, token: Annotated[str | None, Depends(oauth2_scheme)]
) -> Principal:
    """A valid token of a live session; role, org and active state come from the database."""
    if not token:
        raise Unauthorized("Missing bearer token", code="not_authenticated")
    try:
        claims = decode_access_token(settings, token)
    except (jwt.InvalidTokenError, ValueError) as exc:
        raise Unauthorized("Invalid or expired token", code="invalid_token") from exc
    state = await principal_cache(request).resolve(
        request.app.state.db, request.app.state.redis, claims.user_id, claims.session_id
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


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def get_job_buffer() -> JobBuffer:
    return JobBuffer()


Jobs = Annotated[JobBuffer, Depends(get_job_buffer)]


async def tenant_session(
    db: DatabaseDep, redis: RedisDep, principal: CurrentPrincipal, jobs: Jobs
) -> AsyncIterator[AsyncSession]:
    """One transaction per request with RLS set to the caller's org; jobs publish after commit."""
    async with db.tenant(principal.tenant_org) as session:
        yield session
    await publish(redis, jobs.drain())


TenantSession = Annotated[AsyncSession, Depends(tenant_session)]


def client_info(request: Request) -> ClientInfo:
    host = request.client.host if request.client else None
    return ClientInfo(ip=host, user_agent=request.headers.get("user-agent"))


Client = Annotated[ClientInfo, Depends(client_info)]


def require_role(*roles: Role) -> Any:
    """Dependency factory: 403 unless the caller has one of `roles`."""

    async def _check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Forbidden("Your role does not allow this action")
        return principal

    return Depends(_check)


def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


def get_kek(request: Request) -> KeyEncryptionKey:
    kek: KeyEncryptionKey = request.app.state.kek
    return kek


def get_rag(request: Request) -> RagClient:
    rag: RagClient = request.app.state.rag
    return rag


StorageDep = Annotated[Storage, Depends(get_storage)]
KekDep = Annotated[KeyEncryptionKey, Depends(get_kek)]
RagDep = Annotated[RagClient, Depends(get_rag)]
