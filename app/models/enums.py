"""Closed value sets shared by models, schemas and CHECK constraints."""

from enum import StrEnum


class OrgType(StrEnum):
    BRAND = "brand"
    OEM = "oem"
    IMPORTER = "importer"
    CONSULTANT = "consultant"


class Plan(StrEnum):
    FREE = "free"
    PRO = "pro"
    ENTERPRISE = "enterprise"


class Role(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    MEMBER = "member"
    SA = "sa"
    SUPER_ADMIN = "super_admin"


class ProductCategory(StrEnum):
    SUNSCREEN = "sunscreen"
    HAIR_DYE = "hair_dye"
    BABY = "baby"
    LIP = "lip"
    EYE = "eye"
    ORAL = "oral"
    GENERAL = "general"


class PifStatus(StrEnum):
    DRAFT = "draft"
    IN_PROGRESS = "in_progress"
    AI_REVIEW = "ai_review"
    SA_REVIEW = "sa_review"
    COMPLETED = "completed"
    EXPIRED = "expired"


class DocumentStatus(StrEnum):
    MISSING = "missing"
    UPLOADED = "uploaded"
    AI_PROCESSING = "ai_processing"
    AI_DRAFT_READY = "ai_draft_ready"
    HUMAN_REVIEWED = "human_reviewed"
    APPROVED = "approved"


class FileType(StrEnum):
    FORMULA = "formula"
    GMP = "gmp"
    STABILITY = "stability"
    MICRO = "micro"
    CHALLENGE = "challenge"
    LABEL = "label"
    PACKAGING = "packaging"
    EVIDENCE = "evidence"
    REGISTRATION = "registration"
    PROCESS = "process"
    OTHER = "other"


class Sensitivity(StrEnum):
    FORMULA = "formula"
    TEST_REPORT = "test_report"
    PACKAGING = "packaging"
    PUBLIC = "public"


class ReviewStatus(StrEnum):
    PENDING = "pending"
    IN_REVIEW = "in_review"
    REVISION_REQUESTED = "revision_requested"
    SIGNED = "signed"


class SignatureMethod(StrEnum):
    PASSWORD_2FA = "password_2fa"
    DIGITAL_CERT = "digital_cert"
    HSM = "hsm"


class VersionLabel(StrEnum):
    V0 = "V0"
    V1 = "V1"
    V2 = "V2"
    V3 = "V3"


class TaskStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class Jurisdiction(StrEnum):
    TW = "TW"
    EU = "EU"


class ListType(StrEnum):
    PROHIBITED = "prohibited"
    RESTRICTED = "restricted"
    PRESERVATIVE = "preservative"
    COLORANT = "colorant"
    UV_FILTER = "uv_filter"


class SyncSource(StrEnum):
    TFDA = "tfda"
    ECHA = "echa"
    COSING = "cosing"
    COSING_INVENTORY = "cosing_inventory"
    HARVESTER = "harvester"
    REGROUNDING = "regrounding"


class SyncRunStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Verdict(StrEnum):
    PROHIBITED = "prohibited"
    NON_COMPLIANT = "non_compliant"
    INSUFFICIENT_MARGIN = "insufficient_margin"
    REVIEW = "review"
    DATA_GAP = "data_gap"
    ACCEPTABLE = "acceptable"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    UNKNOWN = "unknown"


class AuthTokenPurpose(StrEnum):
    VERIFY_EMAIL = "verify_email"
    RESET_PASSWORD = "reset_password"


class SigningKeySource(StrEnum):
    GENERATED = "generated"  # made by the app on first use (self-signed)
    IMPORTED = "imported"  # brought by the operator (PKCS#12 or PEM)


class DossierStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"
