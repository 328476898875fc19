"""Products store their description and target markets

Revision ID: 0008_product_description
Revises: 0007_signing_dossiers
Create Date: 2026-12-01 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_product_description"
down_revision: str | None = "0007_signing_dossiers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # products is a tenant table whose RLS policy (0001) covers every column, new ones included.
    op.add_column(
        "products",
        sa.Column("description", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )
    op.add_column(
        "products",
        sa.Column(
            "markets",
            postgresql.ARRAY(sa.String(length=8)),
            server_default="{TW}",
            nullable=False,
        ),
    )
    op.create_check_constraint(
        op.f("ck_products_markets_allowed"),
        "products",
        "markets <@ ARRAY['TW', 'EU']::varchar[] AND cardinality(markets) >= 1",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_products_markets_allowed"), "products", type_="check")
    op.drop_column("products", "markets")
    op.drop_column("products", "description")
