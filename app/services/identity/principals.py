"""Who is calling, from the database: role, organization, active state and session revocation.

The access token only proves "user U, session S, signed by us, not expired". What U may do is read
from the database and cached briefly per process. Each request asks Redis two cheap questions
(is session S revoked? has user U changed?) so that logout, revocation and role changes take
effect on the next request in every process; when Redis does not answer, the database is asked
directly (an outage neither opens access nor fails the request).
"""

import asyncio
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import ACCESS_TOKEN_TTL
from app.services.identity.plans import PlanAccess

log = structlog.get_logger(__name__)

REDIS_TIMEOUT_SECONDS = 0.5
# a revoked session's marker outlives every access token of the session
REVOKED_MARKER_SECONDS = int(ACCESS_TOKEN_TTL.total_seconds()) + 60
USER_VERSION_SECONDS = 86400
MAX_ENTRIES = 50_000

_STATE_SQL = text(
    "SELECT u.org_id, u.role, u.is_active, EXISTS ("
    "  SELECT 1 FROM refresh_tokens r WHERE r.family_id = :sid AND r.revoked_at IS NOT NULL"
    ") AS session_revoked FROM auth_user_by_id(:uid) u"
)


def session_key(session_id: uuid.UUID) -> str:
    return f"pifai:auth:session-revoked:{session_id}"


def user_key(user_id: uuid.UUID) -> str:
    return f"pifai:auth:user-version:{user_id}"


@dataclass(frozen=True)
class CallerState:
    """None from `resolve` means the user no longer exists."""

    org_id: uuid.UUID | None
    role: str
    is_active: bool
    session_revoked: bool


@dataclass
class _Entry:
    state: CallerState
    version: bytes | str | None
    expires_at: float
    # the org's plan access, read once and kept with the caller (no plan query per request);
    # a plan change bumps every member's user version, which drops the entry with it
    plan: PlanAccess | None = None


class PrincipalCache:
    """In-process cache of CallerState by (user, session), checked against Redis per request."""

    def __init__(self, ttl_seconds: float = 30.0) -> None:
        self.ttl = ttl_seconds
        self._entries: dict[tuple[uuid.UUID, uuid.UUID], _Entry] = {}

    def forget_user(self, user_id: uuid.UUID) -> None:
        for key in [k for k in self._entries if k[0] == user_id]:
            self._entries.pop(key, None)

    def forget_session(self, session_id: uuid.UUID) -> None:
        for key in [k for k in self._entries if k[1] == session_id]:
            self._entries.pop(key, None)

    async def resolve(
        self, session: AsyncSession, redis: Redis, user_id: uuid.UUID, session_id: uuid.UUID
    ) -> CallerState | None:
        """`session` is the request's own: a cache miss costs a query, never a connection."""
        try:
            async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
                revoked, version = await redis.mget(session_key(session_id), user_key(user_id))
        except (RedisError, OSError, TimeoutError) as exc:
            log.warning("principal_redis_unavailable", error=type(exc).__name__)
            # uncached: the database decides (and no cached plan outlives an unseen change)
            self._entries.pop((user_id, session_id), None)
            return await load_state(session, user_id, session_id)
        if revoked is not None:
            return CallerState(None, "", is_active=False, session_revoked=True)
        key, now = (user_id, session_id), time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at > now and entry.version == version:
            return entry.state
        state = await load_state(session, user_id, session_id)
        if state is not None and self.ttl > 0:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()  # bounded memory; entries are cheap to rebuild
            self._entries[key] = _Entry(state, version, now + self.ttl)
        return state

    def cached_plan(self, user_id: uuid.UUID, session_id: uuid.UUID) -> PlanAccess | None:
        """The plan kept with the caller's entry (valid for this request once `resolve` ran)."""
        entry = self._entries.get((user_id, session_id))
        if entry is None or entry.expires_at <= time.monotonic():
            return None
        return entry.plan

    def remember_plan(self, user_id: uuid.UUID, session_id: uuid.UUID, access: PlanAccess) -> None:
        entry = self._entries.get((user_id, session_id))
        if entry is None:
            return  # not cached (Redis down, or the cache is off): nothing to keep it with
        entry.plan = access
        if access.beta_exempt_until is not None:
            # a running exemption ends on time, not up to a TTL late
            left = (access.beta_exempt_until - datetime.now(UTC)).total_seconds()
            if left > 0:
                entry.expires_at = min(entry.expires_at, time.monotonic() + left)


async def load_state(
    session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID
) -> CallerState | None:
    """One round trip: the user's row (through the definer function) and the session's state."""
    row = (await session.execute(_STATE_SQL, {"uid": user_id, "sid": session_id})).first()
    if row is None:
        return None
    return CallerState(row.org_id, row.role, bool(row.is_active), bool(row.session_revoked))


async def _quietly(redis: Redis, *commands: tuple[str, ...]) -> None:
    """Best effort: the database already holds the truth; Redis only makes it fast."""
    try:
        async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
            async with redis.pipeline(transaction=False) as pipe:
                for command in commands:
                    pipe.execute_command(*command)
                await pipe.execute()
    except (RedisError, OSError, TimeoutError) as exc:
        log.warning("principal_invalidation_not_published", error=type(exc).__name__)


async def sessions_revoked(
    cache: PrincipalCache | None, redis: Redis, session_ids: list[uuid.UUID]
) -> None:
    """Call after the revocation is committed to the database."""
    for sid in session_ids:
        if cache is not None:
            cache.forget_session(sid)
    if session_ids:
        await _quietly(
            redis,
            *[("SET", session_key(s), "1", "EX", str(REVOKED_MARKER_SECONDS)) for s in session_ids],
        )


async def user_changed(cache: PrincipalCache | None, redis: Redis, user_id: uuid.UUID) -> None:
    """Role, organization or active state changed (or the user was deleted): re-read everywhere."""
    await users_changed(cache, redis, [user_id])


async def users_changed(
    cache: PrincipalCache | None, redis: Redis, user_ids: Iterable[uuid.UUID]
) -> None:
    """`user_changed` for several users, e.g. every member of an org whose plan changed."""
    commands: list[tuple[str, ...]] = []
    for user_id in user_ids:
        if cache is not None:
            cache.forget_user(user_id)
        key = user_key(user_id)
        commands += [("INCR", key), ("EXPIRE", key, str(USER_VERSION_SECONDS))]
    if commands:
        await _quietly(redis, *commands)
