"""Worker benchmark: no-op task throughput of one worker process and enqueue-to-start latency.

    uv run python -m bench.worker_throughput [--tasks 2000] [--latency-tasks 200] [--concurrency 8]
        [--handler noop|write]

Uses DATABASE_URL/REDIS_URL when set, else the embedded servers in DATA_DIR (migrated first).
Besides tasks/s it prints what the backlog cost per task: CPU of this process (the worker; the
bench's own polling is a few statements a second), of the PostgreSQL processes (when local) and of
Redis, and the worker's PostgreSQL round trips (statements, BEGINs, COMMITs) and Redis commands:
on a loaded machine those are steadier figures than tasks/s.
The worker runs in this process (one worker process); tasks are `bench.noop` no-ops (registered
here) in a throw-away organization that is deleted afterwards; `--handler write` runs
`bench.write` instead, which updates its own row in the task's transaction (the done-mark then
commits with it, one transaction per task). The handlers are imported before the clock starts.
"""

import argparse
import asyncio
import os
import statistics
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redis.asyncio import Redis
from sqlalchemy import delete, event, func, select, text, update

from app.cli.server import migrate_database
from app.core.config import Settings
from app.core.database import Database, owner_engine
from app.core.jobs import JobBuffer
from app.core.logging import configure_logging
from app.core.queue import publish
from app.core.runtime import resolve_servers
from app.models.platform import Task
from app.services import tasks
from app.worker.runner import Runner, freeze_start_up


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


_CLK_TCK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # not local, or gone
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLK_TCK  # utime + stime


@dataclass
class Costs:
    """Totals at one moment; `per_task` of the difference of two."""

    worker_cpu: float
    postgres_cpu: dict[int, float]  # per server process: backends come and go
    redis_cpu: float
    redis_commands: int
    round_trips: dict[str, int]
    durable_commits: int

    def per_task(self, before: "Costs", n: int) -> str:
        pg = sum(v - before.postgres_cpu.get(pid, 0.0) for pid, v in self.postgres_cpu.items())
        trips = {k: (v - before.round_trips.get(k, 0)) / n for k, v in self.round_trips.items()}
        redis_commands = (self.redis_commands - before.redis_commands) / n
        return (
            f"per task: CPU worker {(self.worker_cpu - before.worker_cpu) / n * 1000:.3f} ms, "
            f"postgres {pg / n * 1000:.3f} ms (local processes), "
            f"redis {(self.redis_cpu - before.redis_cpu) / n * 1000:.3f} ms; "
            f"worker round trips: postgres {sum(trips.values()):.2f} "
            f"({', '.join(f'{k} {v:.2f}' for k, v in trips.items())}), "
            f"redis commands {redis_commands:.2f}; "
            f"durable commits (a WAL flush each) "
            f"{(self.durable_commits - before.durable_commits) / n:.3f}"
        )


class Meter:
    """Counts the worker engine's round trips and reads the processes' CPU."""

    def __init__(self, runner: Runner, owner: Any) -> None:
        self._owner = owner
        self._redis: Redis = runner.redis
        self.trips = {"statements": 0, "begin": 0, "commit": 0, "rollback": 0}
        self.durable_commits = 0  # of transactions that wrote, without synchronous_commit off
        engine = runner.db.engine.sync_engine
        for name in ("begin", "commit", "rollback"):
            event.listen(engine, name, self._counter(name))
        event.listen(engine, "before_cursor_execute", self._statement)

    def _counter(self, name: str) -> Any:
        def count(conn: Any) -> None:
            self.trips[name] += 1
            if name == "commit" and conn.info.get("bench.wrote") is True:
                self.durable_commits += 1
            conn.info.pop("bench.wrote", None)

        return count

    def _statement(self, conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        self.trips["statements"] += 1
        if "synchronous_commit = off" in sql:
            conn.info["bench.wrote"] = False  # its commit does not wait for the WAL flush
        elif sql.lstrip().split(None, 1)[0].upper() in ("UPDATE", "INSERT", "DELETE"):
            conn.info.setdefault("bench.wrote", True)

    async def read(self) -> Costs:
        async with self._owner.connect() as conn:
            pids = (await conn.execute(text("SELECT pid FROM pg_stat_activity"))).scalars()
            postgres = {pid: _cpu_seconds(pid) for pid in pids}
        cpu: Any = await self._redis.info("cpu")
        stats: Any = await self._redis.info("stats")
        return Costs(
            time.process_time(),
            postgres,
            float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"]),
            int(stats["total_commands_processed"]),
            dict(self.trips),
            self.durable_commits,
        )


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
    freeze_start_up()  # as `python -m app.worker` does: handler modules loaded, then frozen
    kind = f"bench.{handler}"
    owner = owner_engine(settings)
    meter = Meter(runner, owner)
    try:
        # 1) throughput: a backlog of tasks drained by one worker process
        await _enqueue(db, runner, org_id, n_tasks, kind)
        before = await meter.read()
        started = time.perf_counter()
        job = asyncio.create_task(runner.run())
        await _wait_done(db, org_id, n_tasks)
        elapsed = time.perf_counter() - started
        costs = (await meter.read()).per_task(before, n_tasks)
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
        await owner.dispose()
        await _drop_org(settings, org_id)
    print(f"{kind} tasks: {n_tasks}, concurrency {concurrency}, one worker process")
    print(f"throughput: {n_tasks / elapsed:.0f} tasks/s ({elapsed:.2f} s)")
    print(costs)
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
