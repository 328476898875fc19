"""Toxicology & safety context: the shared per-source cache and per-product verdicts."""

import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, ProductScoped, Timestamps, UUIDPrimaryKey, enum_check
from app.models.enums import RiskLevel, Verdict


class ToxicologyCache(UUIDPrimaryKey, Base):
    """Shared across tenants (public data); errors are never stored as data."""

    __tablename__ = "toxicology_cache"
    __table_args__ = (
        UniqueConstraint("ingredient_id", "source"),
        enum_check("risk_level", RiskLevel),
    )

    ingredient_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("ingredients.id", ondelete="CASCADE")
    )
    source: Mapped[str] = mapped_column(String(50))
    data_json: Mapped[dict[str, object]] = mapped_column(JSONB)
    risk_level: Mapped[str] = mapped_column(String(20), server_default=RiskLevel.UNKNOWN.value)
    ai_summary: Mapped[str | None] = mapped_column(Text)
    fetched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class IngredientVerdict(UUIDPrimaryKey, ProductScoped, Base):
    __tablename__ = "ingredient_verdicts"
    __table_args__ = (
        UniqueConstraint("product_ingredient_id"),
        enum_check("verdict", Verdict),
        enum_check("sa_decision", Verdict),
    )

    product_ingredient_id: Mapped[uuid.UUID] = mapped_column(
        UUID(as_uuid=True), ForeignKey("product_ingredients.id", ondelete="CASCADE")
    )
    verdict: Mapped[str] = mapped_column(String(30))
    tier: Mapped[str | None] = mapped_column(String(10))
    method_label: Mapped[str] = mapped_column(Text)
    noael_mg_kg_bw_day: Mapped[Decimal | None] = mapped_column(Numeric(14, 6))
    noael_source: Mapped[str | None] = mapped_column(Text)
    exposure_mg_kg_bw_day: Mapped[Decimal | None] = mapped_column(Numeric(14, 6))
    exposure_source: Mapped[str | None] = mapped_column(Text)
    exposure_fallback: Mapped[bool] = mapped_column(Boolean, server_default="false")
    dap_pct: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    dap_source: Mapped[str | None] = mapped_column(Text)
    sed: Mapped[Decimal | None] = mapped_column(Numeric(20, 10))
    mos: Mapped[Decimal | None] = mapped_column(Numeric(20, 4))
    review_points: Mapped[list[object]] = mapped_column(JSONB, server_default="[]")
    advisory: Mapped[list[object]] = mapped_column(JSONB, server_default="[]")
    sa_decision: Mapped[str | None] = mapped_column(String(30))
    computed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )


ANCHOR_TIERS = ("curated", "resolved", "regrounded")


class ToxAnchor(UUIDPrimaryKey, Timestamps, Base):
    """A cited point of departure keyed by CAS (spec 06 §2): curated from a published opinion,
    resolved by an earlier cited lookup, or re-grounded from EPA ToxValDB. Global reference data:
    no tenant column; the app role may write only non-curated rows (RLS write policies)."""

    __tablename__ = "tox_anchors"
    __table_args__ = (
        UniqueConstraint("cas", "tier", "source"),
        CheckConstraint("tier IN ('curated', 'resolved', 'regrounded')", name="tier_allowed"),
        CheckConstraint("pod_value > 0", name="pod_positive"),
        CheckConstraint("dap_pct IS NULL OR (dap_pct > 0 AND dap_pct <= 100)", name="dap_range"),
        CheckConstraint("length(citation) > 0", name="citation_present"),
    )

    cas: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str] = mapped_column(Text)
    tier: Mapped[str] = mapped_column(String(12))
    pod_type: Mapped[str] = mapped_column(String(12), server_default="NOAEL")
    pod_value: Mapped[Decimal] = mapped_column(Numeric(14, 6))
    pod_unit: Mapped[str] = mapped_column(String(30), server_default="mg/kg bw/day")
    dap_pct: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    smiles: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(120))  # e.g. "SCCS/1601/18", "EPA ToxValDB"
    citation: Mapped[str] = mapped_column(Text)  # opinion number + section / record identifiers
    source_text: Mapped[str | None] = mapped_column(Text)  # the passage the value was read from
    source_url: Mapped[str | None] = mapped_column(Text)
    identifiers: Mapped[dict[str, object]] = mapped_column(JSONB, server_default="{}")
    data_date: Mapped[date | None] = mapped_column(Date)
