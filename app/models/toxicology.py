"""Toxicology & safety context: the shared per-source cache and per-product verdicts."""

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
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

from app.models.base import Base, ProductScoped, UUIDPrimaryKey, enum_check
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
