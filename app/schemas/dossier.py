"""Dossier builds, the org signing certificate and verification reports."""

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DossierRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version_id: uuid.UUID | None = Field(
        default=None, description="A snapshot; default: the latest signed one, else the draft"
    )


class DossierRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    product_id: uuid.UUID
    version_id: uuid.UUID | None
    version_label: str
    signature_hash: str | None
    status: Literal["pending", "ready", "failed"]
    includes_formula: bool
    task_id: uuid.UUID | None
    sha256: str | None
    size_bytes: int | None
    file_count: int | None
    error: str | None
    created_at: datetime
    download_url: str | None = None


class CertificateRead(BaseModel):
    source: Literal["generated", "imported"]
    subject: str
    fingerprint_sha256: str
    not_after: datetime
    certificate_pem: str


class ProblemRead(BaseModel):
    file: str
    message: str
    byte_range: list[int] | None


class SignatureRead(BaseModel):
    file: str
    signer: str
    fingerprint_sha256: str
    trust: Literal["supplied", "embedded"]
    intact: bool
    valid: bool
    trusted: bool
    coverage: str
    byte_range: list[int]
    sa_name: str | None
    qualification_ref: str | None
    reason: str | None
    signature_hash: str | None
    signing_time: str | None


class VerifyRead(BaseModel):
    ok: bool
    file: str
    kind: Literal["pdf", "dossier", "unknown"]
    problems: list[ProblemRead]
    signatures: list[SignatureRead]
    checked_files: list[str]
    snapshot_id: str | None
    signature_hash: str | None
