"""Formulation context: the shared ingredient master and each product's formula lines."""

import uuid
from decimal import Decimal

from sqlalchemy import (
    REAL,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import (
    Base,
    ProductScoped,
    Timestamps,
    UUIDPrimaryKey,
    reference_gin_index,
)


class Ingredient(UUIDPrimaryKey, Timestamps, Base):
    """Shared reference data (public substance identity), never tenant data."""

    __tablename__ = "ingredients"
    __table_args__ = (
        reference_gin_index(
            "ix_ingredients_inci_name_normalized_trgm",
            "inci_name_normalized",
            postgresql_ops={"inci_name_normalized": "gin_trgm_ops"},
        ),
        reference_gin_index("ix_ingredients_cas_numbers", "cas_numbers"),
        reference_gin_index("ix_ingredients_synonyms", "synonyms"),
        reference_gin_index("ix_ingredients_ec_numbers", "ec_numbers"),
        # few rows carry a Chinese name: a partial index keeps zh-name prefix search tiny
        Index("ix_ingredients_zh_name", "zh_name", postgresql_where=text("zh_name IS NOT NULL")),
    )

    inci_name: Mapped[str] = mapped_column(Text)
    inci_name_normalized: Mapped[str] = mapped_column(Text, unique=True)
    cas_number: Mapped[str | None] = mapped_column(String(32), index=True)
    cas_numbers: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    ec_numbers: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    synonyms: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    zh_name: Mapped[str | None] = mapped_column(Text)
    functions: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default="{}")
    pubchem_cid: Mapped[int | None] = mapped_column(Integer)
    smiles: Mapped[str | None] = mapped_column(Text)
    molecular_weight: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(100))
    source_ref: Mapped[str | None] = mapped_column(Text)
    content_hash: Mapped[str | None] = mapped_column(String(64))


class ProductIngredient(UUIDPrimaryKey, ProductScoped, Timestamps, Base):
    __tablename__ = "product_ingredients"
    __table_args__ = (
        # NULL means unknown and is never treated as 0
        CheckConstraint(
            "concentration_pct IS NULL OR (concentration_pct >= 0 AND concentration_pct <= 100)",
            name="concentration_range",
        ),
        CheckConstraint(
            "confidence IS NULL OR confidence BETWEEN 0 AND 1", name="confidence_range"
        ),
    )

    ingredient_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("ingredients.id", ondelete="RESTRICT"), index=True
    )
    raw_name: Mapped[str] = mapped_column(Text)
    inci_name: Mapped[str | None] = mapped_column(Text)
    cas_number: Mapped[str | None] = mapped_column(String(64))
    zh_name: Mapped[str | None] = mapped_column(Text)
    concentration_pct: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    function: Mapped[str | None] = mapped_column(String(500))
    sort_order: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float | None] = mapped_column(REAL)
    is_nano: Mapped[bool] = mapped_column(Boolean, server_default="false")
    # the trade-name raw material(s) a blend part came from (parent % x share), for the SA
    from_blend: Mapped[str | None] = mapped_column(Text)
    phase: Mapped[str | None] = mapped_column(Text)  # as the formula sheet names it ("A", "油相")
