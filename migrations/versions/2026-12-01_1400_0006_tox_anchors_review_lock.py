"""tox_anchors (cited points of departure by CAS); signed sa_reviews rows locked in the database

Revision ID: 0006_tox_anchors
Revises: 0005_gin_fastupdate
Create Date: 2026-12-01 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006_tox_anchors"
down_revision: str | None = "0005_gin_fastupdate"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Global reference table (public data, no tenant column). The app role reads every row and may
# write only the rows it derives itself (re-grounded from EPA ToxValDB, resolved); curated rows
# come from the dated file in app/data and are loaded by the owner (first start), which bypasses
# RLS because it owns the table and RLS is not forced.
ANCHOR_SECURITY = [
    "ALTER TABLE tox_anchors ENABLE ROW LEVEL SECURITY",
    "CREATE POLICY tox_anchors_read ON tox_anchors FOR SELECT USING (true)",
    "CREATE POLICY tox_anchors_insert_derived ON tox_anchors FOR INSERT "
    "WITH CHECK (tier <> 'curated')",
    "CREATE POLICY tox_anchors_update_derived ON tox_anchors FOR UPDATE "
    "USING (tier <> 'curated') WITH CHECK (tier <> 'curated')",
    "CREATE POLICY tox_anchors_delete_derived ON tox_anchors FOR DELETE USING (tier <> 'curated')",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON tox_anchors TO pifai, pifai_sync",
]

# A signed review is the legal act (spec 03 §5): like signed pif_versions, the row is frozen.
REVIEW_LOCK = [
    """
    CREATE FUNCTION sa_reviews_refuse_signed_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.status = 'signed' THEN
        RAISE EXCEPTION 'sa_reviews row % is signed and locked', OLD.id
          USING ERRCODE = 'integrity_constraint_violation';
      END IF;
      IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER sa_reviews_lock_signed BEFORE UPDATE OR DELETE ON sa_reviews
    FOR EACH ROW EXECUTE FUNCTION sa_reviews_refuse_signed_change()
    """,
]


def upgrade() -> None:
    op.create_table(
        "tox_anchors",
        sa.Column("cas", sa.String(length=20), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("tier", sa.String(length=12), nullable=False),
        sa.Column("pod_type", sa.String(length=12), server_default="NOAEL", nullable=False),
        sa.Column("pod_value", sa.Numeric(precision=14, scale=6), nullable=False),
        sa.Column("pod_unit", sa.String(length=30), server_default="mg/kg bw/day", nullable=False),
        sa.Column("dap_pct", sa.Numeric(precision=6, scale=3), nullable=True),
        sa.Column("smiles", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=120), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("source_text", sa.Text(), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.Column(
            "identifiers",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("data_date", sa.Date(), nullable=True),
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.CheckConstraint(
            "dap_pct IS NULL OR (dap_pct > 0 AND dap_pct <= 100)",
            name=op.f("ck_tox_anchors_dap_range"),
        ),
        sa.CheckConstraint("length(citation) > 0", name=op.f("ck_tox_anchors_citation_present")),
        sa.CheckConstraint("pod_value > 0", name=op.f("ck_tox_anchors_pod_positive")),
        sa.CheckConstraint(
            "tier IN ('curated', 'resolved', 'regrounded')", name=op.f("ck_tox_anchors_tier_allowed")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tox_anchors")),
        sa.UniqueConstraint("cas", "tier", "source", name=op.f("uq_tox_anchors_cas_tier_source")),
    )
    op.create_index(op.f("ix_tox_anchors_cas"), "tox_anchors", ["cas"], unique=False)
    for statement in ANCHOR_SECURITY + REVIEW_LOCK:
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS sa_reviews_lock_signed ON sa_reviews")
    op.execute("DROP FUNCTION IF EXISTS sa_reviews_refuse_signed_change()")
    op.drop_index(op.f("ix_tox_anchors_cas"), table_name="tox_anchors")
    op.drop_table("tox_anchors")
