"""Documents context: the organization's signing keys and the built PIF dossiers."""

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, OrgScoped, ProductScoped, Timestamps, UUIDPrimaryKey, enum_check
from app.models.enums import DossierStatus, SigningKeySource


class OrgSigningKey(UUIDPrimaryKey, OrgScoped, Timestamps, Base):
    """One active key + certificate per org (older ones kept, retired, to verify old PDFs)."""

    __tablename__ = "org_signing_keys"
    __table_args__ = (
        enum_check("source", SigningKeySource),
        Index(
            "uq_org_signing_keys_one_active",
            "org_id",
            unique=True,
            postgresql_where=text("retired_at IS NULL"),
        ),
    )

    source: Mapped[str] = mapped_column(String(20))
    certificate_pem: Mapped[str] = mapped_column(Text)
    chain_pem: Mapped[str] = mapped_column(Text, server_default="")  # imported intermediates
    private_key: Mapped[str] = mapped_column(Text)  # Fernet token of the PKCS#8 PEM
    fingerprint_sha256: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(Text)
    not_after: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class DossierBuild(UUIDPrimaryKey, ProductScoped, Timestamps, Base):
    """A generated dossier ZIP (stored encrypted); formula files only if `includes_formula`."""

    __tablename__ = "dossier_builds"
    __table_args__ = (enum_check("status", DossierStatus),)

    version_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("pif_versions.id", ondelete="SET NULL")
    )
    version_label: Mapped[str] = mapped_column(String(2))
    signature_hash: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), server_default=DossierStatus.PENDING.value)
    includes_formula: Mapped[bool] = mapped_column(Boolean, server_default="false")
    task_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    storage_key: Mapped[str | None] = mapped_column(Text, unique=True)
    enc_wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    sha256: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    file_count: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
