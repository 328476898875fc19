"""The reference version trigger also notifies `pifai_reference_versions`

A serving process LISTENs to the channel (app/core/reference_watch.py) and its checker and
rule-index caches read `reference_versions` only after a notification (or a local write), not on
every request (issue 18: that read and its transaction were a third of check-formula). NOTIFY
is transactional: listeners hear of a change when the writing transaction commits, never before.

Revision ID: 0012_reference_notify
Revises: 0011_reference_versions
Create Date: 2026-12-01 19:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012_reference_notify"
down_revision: str | None = "0011_reference_versions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _bump(notify: bool) -> str:
    call = "  PERFORM pg_notify('pifai_reference_versions', TG_TABLE_NAME);\n" if notify else ""
    return f"""
        CREATE OR REPLACE FUNCTION reference_versions_bump() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
          UPDATE reference_versions
             SET version = version + 1, changed_at = clock_timestamp()
           WHERE name = TG_TABLE_NAME;
        {call}  RETURN NULL;
        END $$
        """


def upgrade() -> None:
    op.execute(_bump(notify=True))


def downgrade() -> None:
    op.execute(_bump(notify=False))
