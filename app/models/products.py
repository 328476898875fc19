"""Products context: the product row (its PIF tables live in `app.models.pif`)."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, OrgScoped, Timestamps, UUIDPrimaryKey, enum_check
from app.models.enums import (
    PifStatus,
    ProductCategory,
)


class Product(UUIDPrimaryKey, OrgScoped, Timestamps, Base):
    __tablename__ = "products"
    __table_args__ = (
        enum_check("pif_status", PifStatus),
        enum_check("category", ProductCategory),
        Index("ix_products_org_id_created_at", "org_id", text("created_at DESC")),
        CheckConstraint(
            "markets <@ ARRAY['TW', 'EU']::varchar[] AND cardinality(markets) >= 1",
            name="markets_allowed",
        ),
    )

    name: Mapped[str] = mapped_column(String(500))
    name_en: Mapped[str | None] = mapped_column(String(500))
    category: Mapped[str] = mapped_column(String(100))
    dosage_form: Mapped[str | None] = mapped_column(String(100))
    intended_use: Mapped[str | None] = mapped_column(Text)
    manufacturer_name: Mapped[str | None] = mapped_column(String(500))
    manufacturer_address: Mapped[str | None] = mapped_column(Text)
    registration_id: Mapped[str | None] = mapped_column(String(100))
    pif_status: Mapped[str] = mapped_column(String(50), server_default=PifStatus.DRAFT.value)
    pif_completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    rag_kb_id: Mapped[str | None] = mapped_column(String(100), index=True)
    launch_date: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="SET NULL")
    )
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The product description the user stated (app/schemas/product_description.py, any subset);
    # the rest comes from the category defaults. NULL = nothing stated.
    description: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # Target markets whose lists bind the product's checks (spec 06 §6).
    markets: Mapped[list[str]] = mapped_column(ARRAY(String(8)), server_default="{TW}")
