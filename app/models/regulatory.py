"""Regulatory data context: jurisdiction-aware annex entries, their scoped limits, sync runs."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, Timestamps, UUIDPrimaryKey, enum_check, reference_gin_index
from app.models.enums import Jurisdiction, ListType, SyncRunStatus, SyncSource


class ChemicalSyncRun(UUIDPrimaryKey, Base):
    __tablename__ = "chemical_sync_runs"
    __table_args__ = (
        enum_check("source", SyncSource),
        enum_check("status", SyncRunStatus),
    )

    source: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    added: Mapped[int] = mapped_column(Integer, server_default="0")
    changed: Mapped[int] = mapped_column(Integer, server_default="0")
    removed: Mapped[int] = mapped_column(Integer, server_default="0")
    unchanged: Mapped[int] = mapped_column(Integer, server_default="0")
    diff: Mapped[dict[str, object]] = mapped_column(JSONB, server_default="{}")
    detail: Mapped[str | None] = mapped_column(Text)
    triggered_by: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))


class RegulatedSubstance(UUIDPrimaryKey, Timestamps, Base):
    """One annex entry of one jurisdiction's list (TW TFDA, EU CosIng, …), with its citation."""

    __tablename__ = "regulated_substances"
    __table_args__ = (
        enum_check("jurisdiction", Jurisdiction),
        enum_check("list_type", ListType),
        # real exports repeat reference numbers for different substances (CosIng Annex II "38")
        UniqueConstraint("jurisdiction", "list_type", "ref_no", "occurrence"),
        reference_gin_index("ix_regulated_substances_cas_numbers", "cas_numbers"),
    )

    jurisdiction: Mapped[str] = mapped_column(String(8))
    list_type: Mapped[str] = mapped_column(String(20))
    annex: Mapped[str | None] = mapped_column(String(16))
    ref_no: Mapped[str] = mapped_column(String(64))
    occurrence: Mapped[int] = mapped_column(SmallInteger, server_default="1")
    chemical_name: Mapped[str | None] = mapped_column(Text)
    inci_name: Mapped[str | None] = mapped_column(Text)
    name_normalized: Mapped[str | None] = mapped_column(Text, index=True)
    cas_numbers: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    ec_numbers: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    product_type_text: Mapped[str | None] = mapped_column(Text)
    max_text: Mapped[str | None] = mapped_column(Text)
    other_text: Mapped[str | None] = mapped_column(Text)
    warnings_text: Mapped[str | None] = mapped_column(Text)
    cmr_text: Mapped[str | None] = mapped_column(Text)
    regulation: Mapped[str | None] = mapped_column(Text)
    sccs_opinions: Mapped[str | None] = mapped_column(Text)
    # a single unconditional limit; per-scope limits live in regulated_substance_limits
    max_concentration_pct: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))
    # labelling duties, kept apart from limits on purpose (06 §5)
    disclosure_leave_on_pct: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))
    disclosure_rinse_off_pct: Mapped[Decimal | None] = mapped_column(Numeric(12, 6))
    is_group: Mapped[bool] = mapped_column(Boolean, server_default="false")
    group_terms: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    citation: Mapped[str] = mapped_column(Text)
    source_url: Mapped[str | None] = mapped_column(Text)
    effective_date: Mapped[date | None] = mapped_column(Date)
    updated_on: Mapped[date | None] = mapped_column(Date)
    content_hash: Mapped[str] = mapped_column(String(64))
    # the full parsed entry, so the rule index can be rebuilt from the database alone
    entry: Mapped[dict[str, object]] = mapped_column(JSONB, server_default="{}")
    sync_run_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("chemical_sync_runs.id", ondelete="SET NULL")
    )


class RegulatedSubstanceLimit(UUIDPrimaryKey, Base):
    __tablename__ = "regulated_substance_limits"

    substance_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("regulated_substances.id", ondelete="CASCADE"), index=True
    )
    category_label: Mapped[str] = mapped_column(String(16), server_default="")
    product_type_text: Mapped[str | None] = mapped_column(Text)
    scopes: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    max_pct: Mapped[Decimal] = mapped_column(Numeric(12, 6))


class ReferenceVersion(Base):
    """A change counter per reference table, bumped by a statement trigger (migration 0011):
    the formula checker cache reads these two rows instead of counting the tables."""

    __tablename__ = "reference_versions"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("clock_timestamp()")
    )
