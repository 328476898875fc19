"""A version row per reference table, bumped by a statement trigger on any change

The formula checker cache asked `count(*)` and `max(updated_at)` of `ingredients` (28.7k rows) and
`regulated_substances` on every check-formula request: four sequential scans, 8-20 ms of database
time per request (issue 18). A statement-level trigger now bumps `reference_versions` in the
writing transaction (so the new version is visible exactly when the rows are), and the cache
reads two rows. `changed_at` keeps two databases with the same counts apart.

Revision ID: 0011_reference_versions
Revises: 0010_formula_line_origin
Create Date: 2026-12-01 16:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011_reference_versions"
down_revision: str | None = "0010_formula_line_origin"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("ingredients", "regulated_substances")


def upgrade() -> None:
    op.execute(
        "CREATE TABLE reference_versions (name varchar(63) CONSTRAINT pk_reference_versions "
        "PRIMARY KEY, "
        "version bigint NOT NULL DEFAULT 0, "
        "changed_at timestamp with time zone NOT NULL DEFAULT clock_timestamp())"
    )
    op.execute(
        "INSERT INTO reference_versions (name) VALUES "
        + ", ".join(f"('{table}')" for table in TABLES)
    )
    # SECURITY DEFINER: the sync role writes the lists but not the version rows directly.
    op.execute(
        """
        CREATE FUNCTION reference_versions_bump() RETURNS trigger
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        BEGIN
          UPDATE reference_versions
             SET version = version + 1, changed_at = clock_timestamp()
           WHERE name = TG_TABLE_NAME;
          RETURN NULL;
        END $$
        """
    )
    op.execute("REVOKE ALL ON FUNCTION reference_versions_bump() FROM PUBLIC")
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION reference_versions_bump()"
        )
    op.execute("GRANT SELECT ON reference_versions TO pifai, pifai_sync")


def downgrade() -> None:
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_version ON {table}")
    op.execute("DROP FUNCTION IF EXISTS reference_versions_bump()")
    op.execute("DROP TABLE IF EXISTS reference_versions")
