"""Documents: per-organization signing keys and built PIF dossiers (both tenant tables, RLS)

Revision ID: 0007_signing_dossiers
Revises: 0006_tox_anchors
Create Date: 2026-12-01 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_signing_dossiers"
down_revision: str | None = "0006_tox_anchors"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CURRENT_ORG = "NULLIF(current_setting('app.current_org_id', true), '')::uuid"
TABLES = ("org_signing_keys", "dossier_builds")


def _common() -> list[sa.Column[object]]:
    return [
        sa.Column("id", sa.UUID(), server_default=sa.text("gen_random_uuid()"), nullable=False),
        sa.Column("org_id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"),
            nullable=False,
        ),
    ]  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "org_signing_keys",
        *_common(),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("certificate_pem", sa.Text(), nullable=False),
        sa.Column("chain_pem", sa.Text(), server_default="", nullable=False),
        sa.Column("private_key", sa.Text(), nullable=False),
        sa.Column("fingerprint_sha256", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("not_after", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "source IN ('generated', 'imported')", name=op.f("ck_org_signing_keys_source_allowed")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"],
            name=op.f("fk_org_signing_keys_org_id_organizations"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_org_signing_keys")),
    )  # fmt: skip
    op.create_index(op.f("ix_org_signing_keys_org_id"), "org_signing_keys", ["org_id"])
    op.create_index(
        "uq_org_signing_keys_one_active", "org_signing_keys", ["org_id"], unique=True,
        postgresql_where=sa.text("retired_at IS NULL"),
    )  # fmt: skip
    op.create_table(
        "dossier_builds",
        *_common(),
        sa.Column("product_id", sa.UUID(), nullable=False),
        sa.Column("version_id", sa.UUID(), nullable=True),
        sa.Column("version_label", sa.String(length=2), nullable=False),
        sa.Column("signature_hash", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=20), server_default="pending", nullable=False),
        sa.Column("includes_formula", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("task_id", sa.UUID(), nullable=True),
        sa.Column("storage_key", sa.Text(), nullable=True),
        sa.Column("enc_wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=True),
        sa.Column("file_count", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.UUID(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'ready', 'failed')",
            name=op.f("ck_dossier_builds_status_allowed"),
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"],
            name=op.f("fk_dossier_builds_org_id_organizations"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"],
            name=op.f("fk_dossier_builds_product_id_products"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["pif_versions.id"],
            name=op.f("fk_dossier_builds_version_id_pif_versions"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"],
            name=op.f("fk_dossier_builds_requested_by_users"), ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_builds")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_dossier_builds_storage_key")),
    )  # fmt: skip
    op.create_index(op.f("ix_dossier_builds_org_id"), "dossier_builds", ["org_id"])
    op.create_index(op.f("ix_dossier_builds_product_id"), "dossier_builds", ["product_id"])
    for table in TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY {table}_org_isolation ON {table} "
            f"USING (org_id = {CURRENT_ORG}) WITH CHECK (org_id = {CURRENT_ORG})"
        )
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO pifai")


def downgrade() -> None:
    op.drop_table("dossier_builds")
    op.drop_table("org_signing_keys")
