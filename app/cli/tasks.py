"""`pifai worker` and `pifai tasks list|retry|dead`: run and operate background work."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.common import DataDirOption, load_settings, run

if TYPE_CHECKING:
    from app.core.config import Settings
    from app.models.platform import Task

tasks_app = typer.Typer(
    rich_markup_mode=None, help="Inspect and retry background tasks (all organizations)."
)


class StatusChoice(StrEnum):
    """TaskStatus's values, spelt out so that --help does not import the models (a test keeps
    them equal)."""

    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


StatusOption = Annotated[
    StatusChoice | None, typer.Option("--status", help="Only tasks with this status.")
]
TABLE_WIDTH = 160
LimitOption = Annotated[int, typer.Option("--limit", min=1, max=1000, help="At most this many.")]


async def _list(settings: Settings, status: str | None, limit: int) -> list[Task]:
    from sqlalchemy import select

    from app.core.database import Database
    from app.models.platform import Task
    from app.services import audit

    db = Database.connect(settings)
    try:
        # operators see every org: the audited BYPASSRLS path (writes admin.bypass_rls)
        async with audit.superadmin_session(db, actor_id=None, reason="cli: tasks list") as session:
            stmt = select(Task).order_by(Task.created_at.desc()).limit(limit)
            if status is not None:
                stmt = stmt.where(Task.status == status)
            return list((await session.execute(stmt)).scalars())
    finally:
        await db.dispose()


async def _retry(settings: Settings, task_id: uuid.UUID) -> Task | None:
    import redis.asyncio as redis_asyncio
    from sqlalchemy import select

    from app.core.database import Database
    from app.core.jobs import JobBuffer
    from app.core.queue import publish
    from app.models.enums import TaskStatus
    from app.models.platform import Task
    from app.services import audit
    from app.services import tasks as tasks_service

    db = Database.connect(settings)
    redis = redis_asyncio.from_url(str(settings.redis_url))
    jobs = JobBuffer()
    try:
        async with audit.superadmin_session(
            db, actor_id=None, reason="cli: tasks retry"
        ) as session:
            task = (
                await session.execute(select(Task).where(Task.id == task_id).with_for_update())
            ).scalar_one_or_none()
            if task is None or task.status != TaskStatus.FAILED.value:
                return task
            await tasks_service.requeue(session, task, jobs)
            await audit.record(
                session,
                "task.retried",
                org_id=task.org_id,
                resource_type="task",
                resource_id=task.id,
                details={"by": "cli"},
            )
        await publish(redis, jobs.drain())  # after commit; the sweeper covers a Redis outage
        return task
    finally:
        await redis.aclose()
        await db.dispose()


def _print(tasks: list[Task]) -> None:
    from rich.console import Console
    from rich.table import Table

    # full ids (a truncated id cannot be passed to `pifai tasks retry`)
    table = Table("id", "org", "type", "status", "attempts", "created", "error")
    for column in table.columns[:2]:
        column.no_wrap, column.min_width = True, 36
    for t in tasks:
        table.add_row(
            str(t.id),
            str(t.org_id or "system"),
            t.type,
            t.status,
            f"{t.attempts}/{t.max_attempts}",
            t.created_at.isoformat(timespec="seconds"),
            (t.error or "")[:60],
        )
    console = Console()
    # wider than a narrow terminal rather than ids cut short with an ellipsis
    console.print(table, width=max(console.width, TABLE_WIDTH))


@tasks_app.command("list")
def list_command(
    status: StatusOption = None, limit: LimitOption = 50, data_dir: DataDirOption = None
) -> None:
    """Most recent tasks of every organization."""
    _print(run(_list(load_settings(data_dir), status.value if status else None, limit)))


@tasks_app.command("dead")
def dead_command(limit: LimitOption = 50, data_dir: DataDirOption = None) -> None:
    """Failed tasks (out of attempts or permanent errors)."""
    _print(run(_list(load_settings(data_dir), "failed", limit)))


@tasks_app.command("retry")
def retry_command(task_id: uuid.UUID, data_dir: DataDirOption = None) -> None:
    """Put a failed task back to pending with a fresh attempt budget."""
    task = run(_retry(load_settings(data_dir), task_id))
    if task is None:
        typer.echo(f"task {task_id} not found", err=True)
        raise typer.Exit(1)
    if task.status != "pending":
        typer.echo(f"task {task_id} is {task.status}; only failed tasks can be retried", err=True)
        raise typer.Exit(1)
    typer.echo(f"task {task_id} requeued")


def register(app: typer.Typer) -> None:
    @app.command()
    def worker(
        concurrency: Annotated[
            int | None, typer.Option(min=1, help="Tasks run at once (WORKER_CONCURRENCY).")
        ] = None,
        data_dir: DataDirOption = None,
    ) -> None:
        """Run a background worker (same as `python -m app.worker`)."""
        from app.worker.__main__ import main as worker_main

        settings = load_settings(data_dir, json_logs=True)
        if concurrency is not None:
            settings = settings.model_copy(update={"worker_concurrency": concurrency})
        worker_main(settings)

    app.add_typer(tasks_app, name="tasks")
