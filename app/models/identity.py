"""Identity context: organizations, users, sessions, one-time tokens, plan limits."""

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.dialects.postgresql import INET, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, OrgScoped, Timestamps, UUIDPrimaryKey, enum_check
from app.models.enums import AuthTokenPurpose, OrgType, Plan, Role


class Organization(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "organizations"
    __table_args__ = (enum_check("type", OrgType), enum_check("plan", Plan))

    name: Mapped[str] = mapped_column(String(500))
    type: Mapped[str] = mapped_column(String(20))
    plan: Mapped[str] = mapped_column(String(20), server_default=Plan.FREE.value)
    api_keys: Mapped[str | None] = mapped_column(Text)  # Fernet token of {service: key}
    settings: Mapped[dict[str, object]] = mapped_column(JSONB, server_default="{}")
    beta_exempt_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class User(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "users"
    __table_args__ = (
        enum_check("role", Role),
        # super admins are platform staff: never attached to a tenant, never promoted from one
        CheckConstraint("(role = 'super_admin') = (org_id IS NULL)", name="super_admin_has_no_org"),
        CheckConstraint("email = lower(email)", name="email_lowercase"),
    )

    org_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), server_default="")
    password_hash: Mapped[str | None] = mapped_column(Text)
    google_sub: Mapped[str | None] = mapped_column(Text, unique=True)
    role: Mapped[str] = mapped_column(String(20))
    is_active: Mapped[bool] = mapped_column(Boolean, server_default="true")
    email_verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_secret: Mapped[str | None] = mapped_column(Text)  # Fernet token
    totp_enabled: Mapped[bool] = mapped_column(Boolean, server_default="false")
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)  # replay guard
    recovery_codes: Mapped[list[str]] = mapped_column(JSONB, server_default="[]")  # hashes
    failed_login_count: Mapped[int] = mapped_column(Integer, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lock_count: Mapped[int] = mapped_column(Integer, server_default="0")
    sa_qualified_until: Mapped[date | None] = mapped_column(Date)
    sa_certificate_url: Mapped[str | None] = mapped_column(Text)  # Fernet token
    sa_certificate_ref: Mapped[str | None] = mapped_column(Text)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RefreshToken(UUIDPrimaryKey, Base):
    """Looked up by hash before any org is known, so keyed on user, not org (no RLS)."""

    __tablename__ = "refresh_tokens"

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ip_address: Mapped[str | None] = mapped_column(INET)
    user_agent: Mapped[str | None] = mapped_column(Text)


class AuthToken(UUIDPrimaryKey, Base):
    """Single-use, expiring e-mail verification and password-reset tokens (stored hashed)."""

    __tablename__ = "auth_tokens"
    __table_args__ = (enum_check("purpose", AuthTokenPurpose),)

    user_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(30))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Invitation(UUIDPrimaryKey, OrgScoped, Base):
    __tablename__ = "invitations"
    __table_args__ = (CheckConstraint("role IN ('admin', 'member', 'sa')", name="role_invitable"),)

    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlanLimit(Base):
    """One row per plan; NULL means unlimited. Read by require_plan_access."""

    __tablename__ = "plan_limits"
    __table_args__ = (enum_check("plan", Plan),)

    plan: Mapped[str] = mapped_column(String(20), primary_key=True)
    max_products: Mapped[int | None] = mapped_column(Integer)
    max_users: Mapped[int | None] = mapped_column(Integer)
    max_ai_tasks_per_day: Mapped[int | None] = mapped_column(Integer)
    compliance_engine: Mapped[bool] = mapped_column(Boolean, server_default="true")
