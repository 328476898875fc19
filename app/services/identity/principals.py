"""Who is calling, from the database: role, organization, active state and session revocation.

The access token only proves "user U, session S, signed by us, not expired". What U may do is read
from the database and cached briefly per process. Logout, revocation and role changes must take
effect on the next request in every process, so each change is announced through Redis: markers
(session S revoked, user U's version) and a message on `CHANNEL`.

A serving process keeps a `PrincipalWatch` subscribed to `CHANNEL`; while it is subscribed, a
cached caller is trusted until a message drops it (or its TTL ends), and a request asks Redis
nothing (issue 18: the per-request MGET was a round trip on every call). Without a live
subscription (the watch connecting, lost or not started) each request asks the markers, as
before; when Redis does not answer, the database is asked directly (an outage neither opens
access nor fails the request).
"""

import asyncio
import contextlib
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.security import ACCESS_TOKEN_TTL
from app.core.watch import Watch
from app.services.identity.plans import PlanAccess

log = structlog.get_logger(__name__)

REDIS_TIMEOUT_SECONDS = 0.5
# a revoked session's marker outlives every access token of the session
REVOKED_MARKER_SECONDS = int(ACCESS_TOKEN_TTL.total_seconds()) + 60
USER_VERSION_SECONDS = 86400
MAX_ENTRIES = 50_000
CHANNEL = "pifai:auth:changes"  # messages "session:<id>" and "user:<id>"
WATCH_RETRY_SECONDS = 1.0
# the subscription's liveness: a PING after this much silence, its PONG awaited this long
WATCH_PING_SECONDS, WATCH_PING_TIMEOUT = 5.0, 2.0

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
        # set by a PrincipalWatch while it is subscribed: every change then reaches this cache
        self.live = False

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

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
        if self.live:
            return await self._resolve_watched(session, user_id, session_id)
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

    async def _resolve_watched(
        self, session: AsyncSession, user_id: uuid.UUID, session_id: uuid.UUID
    ) -> CallerState | None:
        """Every change is announced to this cache: what it holds is current (the database,
        which the markers only mirror, decides a miss)."""
        key, now = (user_id, session_id), time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry.expires_at > now:
            return entry.state
        state = await load_state(session, user_id, session_id)
        if state is not None and self.ttl > 0 and self.live:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[key] = _Entry(state, None, now + self.ttl)
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
            *[("PUBLISH", CHANNEL, f"session:{s}") for s in session_ids],
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
        commands += [
            ("INCR", key),
            ("EXPIRE", key, str(USER_VERSION_SECONDS)),
            ("PUBLISH", CHANNEL, f"user:{user_id}"),
        ]
    if commands:
        await _quietly(redis, *commands)


class PrincipalWatch(Watch):
    """Keeps `cache` subscribed to `CHANNEL` (reconnecting until `stop`), and `cache.live` true
    only while it is: the cache is emptied whenever the subscription starts or ends, so it never
    trusts an entry that a missed message could have dropped."""

    task_name = "principal-watch"  # tests/conftest.py's Redis guard knows it by this name

    def __init__(self, redis: Redis, cache: PrincipalCache) -> None:
        super().__init__()
        self._redis = redis
        self._cache = cache
        self.applied = 0  # messages applied (tests wait on it)

    async def _run(self) -> None:
        while True:
            pubsub = self._redis.pubsub()
            try:
                async with asyncio.timeout(WATCH_PING_SECONDS):
                    await pubsub.subscribe(CHANNEL)
                    while (await pubsub.get_message(timeout=1.0)) is None:
                        pass  # the subscription's confirmation
                self._trust_from_now()
                # redis-py reconnects and resubscribes by itself: untrusted until confirmed
                assert pubsub.connection is not None  # subscribed: it holds one
                pubsub.connection.register_connect_callback(self._reconnected)
                await self._listen(pubsub)
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError, TimeoutError) as exc:
                log.warning("principal_watch_unavailable", error=type(exc).__name__)
            finally:
                self._cache.live = False
                self._live.clear()
                self._cache.clear()
                with contextlib.suppress(Exception):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(WATCH_RETRY_SECONDS)

    def _trust_from_now(self) -> None:
        self._cache.clear()  # what a missed message could have dropped
        self._cache.live = True
        self._live.set()

    def _reconnected(self, _connection: Any) -> None:
        log.warning("principal_watch_reconnected")
        self._cache.live = False
        self._live.clear()
        self._cache.clear()

    async def _listen(self, pubsub: Any) -> None:
        """Apply messages until the connection fails or stays silent past a PING's deadline."""
        pinged_at: float | None = None
        while True:
            message = await pubsub.get_message(timeout=WATCH_PING_SECONDS)
            now = time.monotonic()
            if message is not None:
                pinged_at = None  # anything heard proves the connection
                kind = message.get("type")
                if kind == "message":
                    self._apply(message.get("data"))
                elif kind == "subscribe":  # resubscribed after a reconnect
                    self._trust_from_now()
                continue
            if pinged_at is not None and now - pinged_at > WATCH_PING_TIMEOUT:
                raise TimeoutError("no answer to the subscription's PING")
            if pinged_at is None:
                await pubsub.ping()
                pinged_at = now

    def _apply(self, data: Any) -> None:
        self.applied += 1
        text = data.decode() if isinstance(data, bytes) else str(data)
        kind, _, raw_id = text.partition(":")
        try:
            changed = uuid.UUID(raw_id)
        except ValueError:
            log.warning("principal_watch_bad_message", message=text[:80])
            self._cache.clear()  # unknown: trust nothing cached
            return
        if kind == "session":
            self._cache.forget_session(changed)
        elif kind == "user":
            self._cache.forget_user(changed)
        else:
            self._cache.clear()
