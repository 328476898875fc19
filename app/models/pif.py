"""PIF context: the 16 item documents of a product, their files, versions and outsourcing."""

import uuid
from datetime import date, datetime

from pgvector.sqlalchemy import Vector
from sqlalchemy import (
    REAL,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, ProductScoped, Timestamps, UUIDPrimaryKey, enum_check
from app.models.enums import (
    DocumentStatus,
    FileType,
    Sensitivity,
    VersionLabel,
)

EMBEDDING_DIMENSION = 1536


class PifDocument(UUIDPrimaryKey, ProductScoped, Timestamps, Base):
    __tablename__ = "pif_documents"
    __table_args__ = (
        UniqueConstraint("product_id", "item_number"),
        CheckConstraint("item_number BETWEEN 1 AND 16", name="item_number_range"),
        enum_check("status", DocumentStatus),
        CheckConstraint("ai_confidence BETWEEN 0 AND 1", name="ai_confidence_range"),
        Index(
            "ix_pif_documents_content_embedding",
            "content_embedding",
            postgresql_using="ivfflat",
            postgresql_with={"lists": 100},
            postgresql_ops={"content_embedding": "vector_cosine_ops"},
        ),
    )

    item_number: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(30), server_default=DocumentStatus.MISSING.value)
    status_reason: Mapped[str | None] = mapped_column(Text)
    ai_confidence: Mapped[float | None] = mapped_column(REAL)
    ai_draft: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    ai_draft_url: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, object]] = mapped_column(JSONB, server_default="{}")
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    content_embedding: Mapped[list[float] | None] = mapped_column(Vector(EMBEDDING_DIMENSION))


class UploadedFile(UUIDPrimaryKey, ProductScoped, Timestamps, Base):
    __tablename__ = "uploaded_files"
    __table_args__ = (
        CheckConstraint("pif_item_number BETWEEN 1 AND 16", name="item_number_range"),
        enum_check("file_type", FileType),
        enum_check("sensitivity", Sensitivity),
        CheckConstraint("size_bytes >= 0", name="size_nonnegative"),
        Index("ix_uploaded_files_product_item_sha256", "product_id", "pif_item_number", "sha256"),
    )

    pif_item_number: Mapped[int] = mapped_column(SmallInteger)
    file_type: Mapped[str] = mapped_column(String(30))
    sensitivity: Mapped[str] = mapped_column(String(20))
    storage_key: Mapped[str] = mapped_column(Text, unique=True)
    original_filename: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))  # of the plaintext
    enc_key_version: Mapped[int | None] = mapped_column(SmallInteger)
    enc_key_id: Mapped[str | None] = mapped_column(String(64))
    enc_wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    issue_date: Mapped[date | None] = mapped_column(Date)
    expiry_date: Mapped[date | None] = mapped_column(Date)
    test_date: Mapped[date | None] = mapped_column(Date)
    extracted: Mapped[dict[str, object] | None] = mapped_column(JSONB)
    superseded_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("uploaded_files.id", ondelete="SET NULL")
    )
    uploaded_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )


class PifVersion(UUIDPrimaryKey, ProductScoped, Base):
    """V0 draft and signed V1–V3 snapshots; signed rows are locked by a trigger."""

    __tablename__ = "pif_versions"
    __table_args__ = (
        enum_check("version_label", VersionLabel),
        UniqueConstraint("product_id", "sequence"),
        Index(
            "uq_pif_versions_one_unsigned_draft",
            "product_id",
            unique=True,
            postgresql_where=text("NOT is_signed"),
        ),
        CheckConstraint("NOT is_signed OR signature_hash IS NOT NULL", name="signed_has_hash"),
    )

    version_label: Mapped[str] = mapped_column(String(2))
    sequence: Mapped[int] = mapped_column(Integer)
    items_snapshot: Mapped[dict[str, object]] = mapped_column(JSONB, server_default="{}")
    is_signed: Mapped[bool] = mapped_column(Boolean, server_default="false")
    sa_review_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("sa_reviews.id", ondelete="SET NULL")
    )
    signature_hash: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Outsourcing(UUIDPrimaryKey, ProductScoped, Base):
    __tablename__ = "outsourcings"
    __table_args__ = (CheckConstraint("item_number BETWEEN 1 AND 16", name="item_number_range"),)

    item_number: Mapped[int] = mapped_column(SmallInteger)
    vendor: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )
