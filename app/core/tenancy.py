"""The verified caller, carried from the route into services (never a bare org id from input)."""

import uuid
from dataclasses import dataclass
from typing import NewType, Protocol

from app.core.errors import Forbidden
from app.models.enums import Role

# An org id that came from a verified token, never from client input.
OrgId = NewType("OrgId", uuid.UUID)


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


class HasOrg(Protocol):
    @property
    def org_id(self) -> uuid.UUID | None: ...


def org_of(row: HasOrg) -> OrgId:
    """The org of a tenant row read under RLS (or of a task the queue verified): a trusted id."""
    if row.org_id is None:
        raise ValueError(f"{type(row).__name__} belongs to no organization")
    return OrgId(row.org_id)
