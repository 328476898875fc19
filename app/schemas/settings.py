"""Organization settings and API-key bodies."""

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.models.enums import OrgType, Plan


class OrgSettingsRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    type: OrgType
    plan: Plan
    beta_exempt_until: datetime | None


class OrgSettingsUpdate(BaseModel):
    name: str | None = Field(default=None, min_length=1, max_length=500)
    type: OrgType | None = None


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    service: str
    label: str
    configured: bool
    last4: str | None = Field(description="At most the last 4 characters; never the key")


class ApiKeyList(BaseModel):
    items: list[ApiKeyRead]


class ApiKeyIn(BaseModel):
    key: str | None = Field(default=None, max_length=4096, description="null removes the key")


class ApiKeyTestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    service: str
    ok: bool
    status_code: int | None
    detail: str


class MemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str
    role: str
    totp_enabled: bool
    email_verified_at: datetime | None
    created_at: datetime


class MemberList(BaseModel):
    items: list[MemberRead]
    total: int
