"""Formula lines keep their blend origin and phase

A blend part of Item 3 (parent % x share) names the trade-name raw material it came from
(`from_blend`), and a formula written in phases names each line's phase: the confirmed lines
store both for the SA (issue 20).

Revision ID: 0010_formula_line_origin
Revises: 0009_formula_line_widths
Create Date: 2026-12-01 15:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010_formula_line_origin"
down_revision: str | None = "0009_formula_line_widths"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # nullable columns without a default: catalog-only, no table rewrite; idempotent. The
    # table's RLS policy (0001) covers every column, new ones included.
    op.execute("ALTER TABLE product_ingredients ADD COLUMN IF NOT EXISTS from_blend text")
    op.execute("ALTER TABLE product_ingredients ADD COLUMN IF NOT EXISTS phase text")


def downgrade() -> None:
    op.execute("ALTER TABLE product_ingredients DROP COLUMN IF EXISTS phase")
    op.execute("ALTER TABLE product_ingredients DROP COLUMN IF EXISTS from_blend")
