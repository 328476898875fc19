"""Formula line columns as wide as Item 3 accepts (function 500, CAS 64)

An AI draft of Item 3 confirmed as returned may carry CosIng's several functions per substance
(over 100 characters) and a CAS cell as written (up to 64): the lines must store them.

Revision ID: 0009_formula_line_widths
Revises: 0008_product_description
Create Date: 2026-12-01 15:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009_formula_line_widths"
down_revision: str | None = "0008_product_description"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # widening a varchar is a catalog-only change (no table rewrite); idempotent
    op.execute("ALTER TABLE product_ingredients ALTER COLUMN function TYPE varchar(500)")
    op.execute("ALTER TABLE product_ingredients ALTER COLUMN cas_number TYPE varchar(64)")


def downgrade() -> None:
    op.execute(
        "ALTER TABLE product_ingredients ALTER COLUMN function TYPE varchar(100) "
        "USING left(function, 100)"
    )
    op.execute(
        "ALTER TABLE product_ingredients ALTER COLUMN cas_number TYPE varchar(32) "
        "USING left(cas_number, 32)"
    )
