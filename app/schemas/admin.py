"""Super-admin bodies and the audit-log listing (shared with the tenant view)."""

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field

from app.models.enums import OrgType, Plan


class BootstrapIn(BaseModel):
    email: EmailStr
    password: str = Field(min_length=1, max_length=256)
    full_name: str = Field(default="", max_length=200)


class BootstrapOut(BaseModel):
    id: uuid.UUID
    email: str
    role: str
    otpauth_uri: str
    qr_svg: str
    recovery_codes: list[str]


class AdminOrgRead(BaseModel):
    id: uuid.UUID
    name: str
    type: OrgType
    plan: Plan
    beta_exempt_until: datetime | None
    created_at: datetime
    user_count: int


class AdminOrgList(BaseModel):
    items: list[AdminOrgRead]
    total: int


class PlanChangeIn(BaseModel):
    plan: Plan


class ExemptIn(BaseModel):
    until: datetime | None = Field(description="End of the beta exemption; null ends it now")


class AuditLogRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    seq: int
    org_id: uuid.UUID | None
    user_id: uuid.UUID | None
    action: str
    resource_type: str | None
    resource_id: uuid.UUID | None
    details: dict[str, Any]
    ip_address: Annotated[str | None, BeforeValidator(lambda v: None if v is None else str(v))]
    user_agent: str | None
    created_at: datetime


class AuditLogList(BaseModel):
    items: list[AuditLogRead]
    total: int
