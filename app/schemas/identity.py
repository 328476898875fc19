"""Auth request/response bodies."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from app.models.enums import OrgType, Plan

Password = Field(min_length=1, max_length=256)


class RegisterIn(BaseModel):
    email: EmailStr
    password: str = Password
    full_name: str = Field(default="", max_length=200)
    org_name: str = Field(min_length=1, max_length=500)
    org_type: OrgType


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    role: str
    org_id: uuid.UUID | None


class OrganizationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    type: OrgType
    plan: Plan


class RegisterOut(BaseModel):
    user: UserRead
    organization: OrganizationRead


class LoginIn(BaseModel):
    email: EmailStr
    password: str = Password
    totp_code: str | None = Field(default=None, max_length=32)


class SuperAdminLoginIn(LoginIn):
    totp_code: str = Field(min_length=6, max_length=32)


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int
    refresh_token: str | None


class RefreshIn(BaseModel):
    refresh_token: str | None = Field(default=None, max_length=200)


class GoogleLoginIn(BaseModel):
    credential: str = Field(min_length=1, max_length=8192, description="Google ID token")
    totp_code: str | None = Field(default=None, max_length=32)
    antibot_token: str | None = Field(
        default=None,
        max_length=4096,
        description="Turnstile / reCAPTCHA token; required when ANTIBOT_SECRET is configured",
    )


class TokenIn(BaseModel):
    token: str = Field(min_length=1, max_length=200)


class EmailIn(BaseModel):
    email: EmailStr


class ResetPasswordIn(BaseModel):
    token: str = Field(min_length=1, max_length=200)
    new_password: str = Password


class MessageOut(BaseModel):
    detail: str


class MeOut(BaseModel):
    id: uuid.UUID
    email: str
    full_name: str
    role: str
    org_id: uuid.UUID | None
    organization: OrganizationRead | None
    email_verified: bool
    totp_enabled: bool


class TotpSetupOut(BaseModel):
    otpauth_uri: str
    qr_svg: str


class TotpCodeIn(BaseModel):
    code: str = Field(min_length=6, max_length=10)


class RecoveryCodesOut(BaseModel):
    totp_enabled: bool = True
    recovery_codes: list[str]


class InvitationIn(BaseModel):
    email: EmailStr
    role: Literal["admin", "member", "sa"]


class InvitationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    role: str
    expires_at: datetime


class AcceptInvitationIn(BaseModel):
    token: str = Field(min_length=1, max_length=200)
    password: str = Password
    full_name: str = Field(default="", max_length=200)
