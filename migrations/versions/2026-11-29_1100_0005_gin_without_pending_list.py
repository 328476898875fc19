"""GIN indexes of the reference tables without a pending list

Revision ID: 0005_gin_fastupdate
Revises: 0004_regulatory
Create Date: 2026-11-29 11:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005_gin_fastupdate"
down_revision: str | None = "0004_regulatory"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GIN_INDEXES = (
    "ix_ingredients_inci_name_normalized_trgm",
    "ix_ingredients_cas_numbers",
    "ix_ingredients_synonyms",
    "ix_ingredients_ec_numbers",
    "ix_regulated_substances_cas_numbers",
)


def upgrade() -> None:
    for name in GIN_INDEXES:
        op.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
        # entries already queued stay in the list until flushed
        op.execute(f"SELECT gin_clean_pending_list('{name}'::regclass)")


def downgrade() -> None:
    for name in GIN_INDEXES:
        op.execute(f"ALTER INDEX {name} RESET (fastupdate)")
