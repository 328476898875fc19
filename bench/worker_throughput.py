"""Worker benchmark: no-op task throughput of one worker process and enqueue-to-start latency.

    uv run python -m bench.worker_throughput [--tasks 2000] [--latency-tasks 200] [--concurrency 8]
        [--handler noop|write]

Uses DATABASE_URL/REDIS_URL when set, else the embedded servers in DATA_DIR (migrated first).
The worker runs in this process (one worker process); tasks are `bench.noop` no-ops (registered
here) in a throw-away organization that is deleted afterwards; `--handler write` runs
`bench.write` instead, which updates its own row in the task's transaction (the done-mark then
commits with it, one transaction per task). The handlers are imported before the clock starts.
"""

import argparse
import asyncio
import statistics
import time
import uuid

from sqlalchemy import delete, func, select, text, update

from app.cli.server import migrate_database
from app.core.config import Settings
from app.core.database import Database, owner_engine
from app.core.jobs import JobBuffer
from app.core.logging import configure_logging
from app.core.queue import publish
from app.core.runtime import resolve_servers
from app.models.platform import Task
from app.services import tasks
from app.worker.runner import Runner


@tasks.register_handler("bench.noop")
async def _noop(ctx: tasks.JobContext) -> None:
    """The task whose cost is the worker's own overhead."""


@tasks.register_handler("bench.write")
async def _write(ctx: tasks.JobContext) -> None:
    """One write in the task's transaction: its done-mark cannot be shared with others'."""
    await ctx.session.execute(update(Task).where(Task.id == ctx.task.id).values(progress=1))


async def _make_org(settings: Settings) -> uuid.UUID:
    engine = owner_engine(settings)
    try:
        async with engine.begin() as conn:
            row = await conn.execute(
                text(
                    "INSERT INTO organizations (name, type) VALUES ('bench', 'brand') RETURNING id"
                )
            )
            return uuid.UUID(str(row.scalar_one()))
    finally:
        await engine.dispose()


async def _drop_org(settings: Settings, org_id: uuid.UUID) -> None:
    engine = owner_engine(settings)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM organizations WHERE id = :o"), {"o": org_id})
    finally:
        await engine.dispose()


async def _enqueue(
    db: Database, runner: Runner, org_id: uuid.UUID, count: int, kind: str = "bench.noop"
) -> None:
    jobs = JobBuffer()
    async with db.tenant(org_id) as session:
        for _ in range(count):
            await tasks.enqueue(session, jobs, org_id=org_id, type=kind, payload={})
    await publish(runner.redis, jobs.drain())


async def _wait_done(db: Database, org_id: uuid.UUID, total: int) -> None:
    while True:
        async with db.tenant(org_id) as session:
            done = (
                await session.execute(
                    select(func.count()).select_from(Task).where(Task.status == "done")
                )
            ).scalar_one()
        if done >= total:
            return
        await asyncio.sleep(0.05)


async def _latencies(db: Database, org_id: uuid.UUID) -> list[float]:
    async with db.tenant(org_id) as session:
        rows = await session.execute(select(Task.enqueued_at, Task.started_at))
        return sorted((s - e).total_seconds() for e, s in rows if e and s)


def _pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


async def bench(n_tasks: int, n_latency: int, concurrency: int, handler: str) -> None:
    settings = resolve_servers(Settings(log_level="WARNING"))
    configure_logging("WARNING", json=True)
    await asyncio.to_thread(migrate_database, settings)
    settings = settings.model_copy(
        update={"worker_concurrency": concurrency, "worker_block_ms": 100, "log_level": "WARNING"}
    )
    org_id = await _make_org(settings)
    db = Database.connect(settings)
    runner = Runner(settings)
    tasks.load_handlers()  # imports every context's jobs module: start-up, not throughput
    kind = f"bench.{handler}"
    try:
        # 1) throughput: a backlog of tasks drained by one worker process
        await _enqueue(db, runner, org_id, n_tasks, kind)
        started = time.perf_counter()
        job = asyncio.create_task(runner.run())
        await _wait_done(db, org_id, n_tasks)
        elapsed = time.perf_counter() - started
        async with db.tenant(org_id) as session:
            await session.execute(delete(Task))
        # 2) latency: tasks enqueued one by one (own transaction + XADD) to an idle worker
        for _ in range(n_latency):
            await _enqueue(db, runner, org_id, 1)
            await asyncio.sleep(0.01)
        await _wait_done(db, org_id, n_latency)
        lat = await _latencies(db, org_id)
        runner.request_stop()
        await job
    finally:
        await db.dispose()
        await _drop_org(settings, org_id)
    print(f"{kind} tasks: {n_tasks}, concurrency {concurrency}, one worker process")
    print(f"throughput: {n_tasks / elapsed:.0f} tasks/s ({elapsed:.2f} s)")
    print(
        f"enqueue-to-start latency over {len(lat)} tasks: "
        f"p50 {statistics.median(lat) * 1000:.1f} ms, p99 {_pct(lat, 99) * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--latency-tasks", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--handler", choices=["noop", "write"], default="noop")
    args = parser.parse_args()
    asyncio.run(bench(args.tasks, args.latency_tasks, args.concurrency, args.handler))


if __name__ == "__main__":
    main()
