"""Audit context: append events to the hash-chained, append-only audit log."""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import bindparam


@dataclass(frozen=True)
class ClientInfo:
    """Who is calling from where; taken from the request (or None for system actors)."""

    ip: str | None = None
    user_agent: str | None = None


_APPEND = text(
    "SELECT audit_append(:org_id, :user_id, :action, :resource_type, :resource_id, "
    "CAST(:details AS jsonb), CAST(:ip AS inet), :user_agent)"
).bindparams(bindparam("details", type_=JSONB))


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
