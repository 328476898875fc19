"""Audit context: append events to the hash-chained, append-only audit log; query; verify."""

import hashlib
import hmac
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Text, cast, func, literal, text
from sqlalchemy.dialects.postgresql import INET, JSONB
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.sql.expression import bindparam

from app.core.database import Database
from app.services.audit.repository import AuditFilter, query

__all__ = [
    "AuditFilter",
    "ChainReport",
    "ClientInfo",
    "append_call",
    "client_params",
    "query",
    "record",
    "record_denied",
    "verify_chain",
]


@dataclass(frozen=True)
class ClientInfo:
    """Who is calling from where; taken from the request (or None for system actors)."""

    ip: str | None = None
    user_agent: str | None = None


_APPEND = text(
    "SELECT audit_append(:org_id, :user_id, :action, :resource_type, :resource_id, "
    "CAST(:details AS jsonb), CAST(:ip AS inet), :user_agent)"
).bindparams(bindparam("details", type_=JSONB))


def append_call(
    action: str,
    *,
    org_id: ColumnElement[Any],
    user_id: ColumnElement[Any],
    resource_type: str,
    resource_id: ColumnElement[Any],
    details: ColumnElement[Any],
) -> ColumnElement[int]:
    """`audit_append(...)` as an expression, to append one event inside another statement (its
    values may be that statement's columns): what `record` does without a round trip of its own.
    The client's ip and user agent are the bind parameters `client_params` fills."""
    return func.audit_append(
        org_id,
        user_id,
        literal(action),
        literal(resource_type),
        resource_id,
        cast(details, JSONB),
        cast(bindparam("audit_ip", type_=Text()), INET),
        bindparam("audit_user_agent", type_=Text()),
        type_=BigInteger(),
    )


def client_params(client: ClientInfo | None) -> dict[str, str | None]:
    """The bind parameters of an `append_call` for this client (or a system actor)."""
    client = client or ClientInfo()
    return {"audit_ip": client.ip, "audit_user_agent": client.user_agent}


async def record(
    session: AsyncSession,
    action: str,
    *,
    org_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    resource_type: str | None = None,
    resource_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
    client: ClientInfo | None = None,
) -> int:
    """Append one event inside the caller's transaction; returns its sequence number."""
    client = client or ClientInfo()
    result = await session.execute(
        _APPEND,
        {
            "org_id": org_id,
            "user_id": user_id,
            "action": action,
            "resource_type": resource_type,
            "resource_id": resource_id,
            "details": details or {},
            "ip": client.ip,
            "user_agent": client.user_agent,
        },
    )
    seq: int = result.scalar_one()
    return seq


async def record_denied(
    session: AsyncSession,
    action: str,
    *,
    org_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    resource_type: str | None = None,
    resource_id: uuid.UUID | None = None,
    details: dict[str, Any] | None = None,
    client: ClientInfo | None = None,
) -> int:
    """Append a refusal in its own short transaction, so it survives the refused request's
    rollback. `session` is the request's session; only its engine is used."""
    bind = session.bind
    if bind is None:
        raise RuntimeError("record_denied needs a session bound to an engine or connection")
    engine = bind if isinstance(bind, AsyncEngine) else bind.engine
    async with AsyncSession(engine) as own, own.begin():
        return await record(
            own,
            action,
            org_id=org_id,
            user_id=user_id,
            resource_type=resource_type,
            resource_id=resource_id,
            details=details,
            client=client,
        )


@dataclass(frozen=True)
class ChainReport:
    """Result of walking the chain: rows checked and the first broken row, if any."""

    checked: int
    first_bad_seq: int | None = None
    first_bad_id: uuid.UUID | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.first_bad_seq is None


GENESIS_HASH = "0" * 64
_CHAIN = text(
    "SELECT a.seq, a.id, a.prev_hash, a.row_hash, audit_canonical(a) AS canonical "
    "FROM audit_logs a WHERE a.seq > :after ORDER BY a.seq LIMIT :batch"
)


async def verify_chain(session: AsyncSession, *, batch: int = 1000) -> ChainReport:
    """Recompute sha256(prev_hash || canonical(row)) in seq order; needs a session that sees all
    rows (owner or superadmin). Reports the first row whose link or hash does not match."""
    expected_prev, after, checked = GENESIS_HASH, 0, 0
    while True:
        rows = (await session.execute(_CHAIN, {"after": after, "batch": batch})).all()
        if not rows:
            return ChainReport(checked=checked)
        for seq, row_id, prev_hash, row_hash, canonical in rows:
            if prev_hash != expected_prev:
                return ChainReport(checked, seq, row_id, "prev_hash does not match previous row")
            digest = hashlib.sha256((prev_hash + canonical).encode()).hexdigest()
            if not hmac.compare_digest(digest, row_hash):
                return ChainReport(checked, seq, row_id, "row_hash does not match row content")
            expected_prev, after, checked = row_hash, seq, checked + 1


@asynccontextmanager
async def superadmin_session(
    db: Database, *, actor_id: uuid.UUID | None, reason: str, client: ClientInfo | None = None
) -> AsyncIterator[AsyncSession]:
    """The audited BYPASSRLS session: `admin.bypass_rls` is written in the same transaction."""
    async with db.bypass_rls() as session:
        await record(
            session, "admin.bypass_rls", user_id=actor_id, details={"reason": reason}, client=client
        )
        yield session
