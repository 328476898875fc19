"""Review context: SA reviews and their signature metadata."""

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text
from sqlalchemy.dialects.postgresql import INET, JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, ProductScoped, Timestamps, UUIDPrimaryKey, enum_check
from app.models.enums import ReviewStatus, SignatureMethod


class SaReview(UUIDPrimaryKey, ProductScoped, Timestamps, Base):
    __tablename__ = "sa_reviews"
    __table_args__ = (
        enum_check("status", ReviewStatus),
        enum_check("signature_method", SignatureMethod),
    )

    sa_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("users.id", ondelete="RESTRICT"), index=True
    )
    # pif_versions also points here; use_alter breaks the create-order cycle
    version_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True),
        ForeignKey("pif_versions.id", ondelete="SET NULL", use_alter=True),
    )
    status: Mapped[str] = mapped_column(String(30), server_default=ReviewStatus.PENDING.value)
    ai_draft_assessment: Mapped[str | None] = mapped_column(Text)
    sa_final_assessment: Mapped[str | None] = mapped_column(Text)
    sa_comments: Mapped[str | None] = mapped_column(Text)
    alert_annotations: Mapped[dict[str, object]] = mapped_column(JSONB, server_default="{}")
    signature_url: Mapped[str | None] = mapped_column(Text)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    signature_method: Mapped[str | None] = mapped_column(String(20))
    signature_hash: Mapped[str | None] = mapped_column(String(64))
    signature_ip: Mapped[str | None] = mapped_column(INET)
    signature_user_agent: Mapped[str | None] = mapped_column(Text)
    sa_certificate_ref: Mapped[str | None] = mapped_column(Text)
