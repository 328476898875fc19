"""Permission checks with their refusals audited (`authz.denied`) in their own transaction."""

import uuid
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.authz import Permission, PermissionDenied, require
from app.models.enums import Role
from app.services import audit
from app.services.audit import ClientInfo


class Caller(Protocol):
    @property
    def user_id(self) -> uuid.UUID: ...
    @property
    def org_id(self) -> uuid.UUID | None: ...
    @property
    def role(self) -> Role: ...


async def authorize(
    session: AsyncSession,
    principal: Caller,
    permission: Permission,
    *,
    client: ClientInfo | None = None,
) -> None:
    """`require(principal, permission)`; a refusal leaves an audit row that survives the 403."""
    try:
        require(principal, permission)
    except PermissionDenied:
        await audit.record_denied(
            session,
            "authz.denied",
            org_id=principal.org_id,
            user_id=principal.user_id,
            details={"permission": permission.value, "role": principal.role.value},
            client=client,
        )
        raise
