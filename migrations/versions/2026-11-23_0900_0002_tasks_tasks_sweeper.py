"""Tasks: the sweeper's narrow cross-org read (tasks_due_for_enqueue, SECURITY DEFINER)

Revision ID: 0002_tasks
Revises: 0001
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002_tasks"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The sweeper republishes tasks left pending (never published, Redis was down, or a retry whose
# move was lost). It must see every org's rows but needs only (id, org_id, queue): this function
# returns exactly that, stamps enqueued_at so each stale task is republished at most once per
# grace period, and skips rows another sweeper holds. Like audit_append(), it relies on the
# owner/migration role bypassing RLS.
UPGRADE = [
    """
    CREATE FUNCTION tasks_due_for_enqueue(p_limit integer, p_grace_seconds double precision)
    RETURNS TABLE (id uuid, org_id uuid, queue varchar)
    LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      UPDATE tasks t SET enqueued_at = now()
      WHERE t.id IN (
        SELECT c.id FROM tasks c
        WHERE c.status = 'pending'
          AND greatest(c.created_at, c.enqueued_at, c.next_attempt_at)
              <= now() - make_interval(secs => greatest(p_grace_seconds, 0))
        ORDER BY c.created_at
        LIMIT least(greatest(p_limit, 0), 1000)
        FOR UPDATE SKIP LOCKED
      )
      RETURNING t.id, t.org_id, t.queue
    $$
    """,
    "REVOKE ALL ON FUNCTION tasks_due_for_enqueue(integer, double precision) FROM PUBLIC",
    "GRANT EXECUTE ON FUNCTION tasks_due_for_enqueue(integer, double precision) TO pifai",
]


def upgrade() -> None:
    for stmt in UPGRADE:
        op.execute(stmt)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS tasks_due_for_enqueue(integer, double precision)")
