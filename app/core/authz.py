"""Who may do what: one role -> permission table, one check: `require(principal, Permission.X)`."""

from enum import StrEnum
from typing import Protocol

from app.core.errors import Forbidden
from app.models.enums import Role


class Permission(StrEnum):
    PRODUCT_DELETE = "product.delete"
    MEMBER_INVITE = "member.invite"
    ORG_SETTINGS_MANAGE = "org_settings.manage"  # org settings, API keys
    AUDIT_LOG_READ = "audit_log.read"  # the org's own audit log
    PIF_REVIEW = "pif.review"  # act as the safety assessor: approve items, SA reads
    FORMULA_FILE_READ = "formula_file.read"  # formula files inside an exported dossier
    PLATFORM_ADMIN = "platform.admin"  # super-admin console (no org)


_ORG_ADMIN = frozenset(
    {
        Permission.PRODUCT_DELETE,
        Permission.MEMBER_INVITE,
        Permission.ORG_SETTINGS_MANAGE,
        Permission.AUDIT_LOG_READ,
        Permission.FORMULA_FILE_READ,
    }
)

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: _ORG_ADMIN,
    Role.ADMIN: _ORG_ADMIN,
    Role.MEMBER: frozenset(),
    Role.SA: frozenset({Permission.PIF_REVIEW, Permission.FORMULA_FILE_READ}),
    Role.SUPER_ADMIN: frozenset({Permission.PLATFORM_ADMIN}),
}

_MESSAGES = {
    Permission.PIF_REVIEW: "Only safety assessors may do this",
    Permission.PLATFORM_ADMIN: "Super admins only",
}


class HasRole(Protocol):
    @property
    def role(self) -> Role: ...


class PermissionDenied(Forbidden):
    """403 for a role that lacks `permission`; the gate audits it (`authz.denied`)."""

    def __init__(self, permission: Permission, role: Role) -> None:
        super().__init__(
            _MESSAGES.get(permission, "Your role does not allow this action"),
            details={"permission": permission.value},
        )
        self.permission, self.role = permission, role


def can(principal: HasRole, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS.get(principal.role, frozenset())


def require(principal: HasRole, permission: Permission) -> None:
    """Raise PermissionDenied (403) unless the principal's role grants `permission`."""
    if not can(principal, permission):
        raise PermissionDenied(permission, principal.role)
