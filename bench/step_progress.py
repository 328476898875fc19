"""Per-step progress cost: a handler reporting 17 steps (one per ingredient), naive (every step
writes `task.progress` in its own transaction and the count to Redis) against the throttled
`tasks.StepProgress` (at most one write per 0.5 s, trailing write), interleaved.

    uv run python -m bench.step_progress [--tasks 40] [--steps 17] [--step-ms 0]

Uses DATABASE_URL/REDIS_URL when set, else the embedded servers in DATA_DIR (migrated first).
`--step-ms 0` is a batch answered from the cache (every ingredient at once: the worst case for
per-step writes); a few ms per step is a batch of fast live answers.
"""

import argparse
import asyncio
import statistics
import time
from typing import Any

from sqlalchemy import select

from app.cli.server import migrate_database
from app.core.config import Settings
from app.core.database import Database
from app.core.jobs import JobBuffer
from app.core.logging import configure_logging
from app.core.queue import publish
from app.core.runtime import resolve_servers
from app.models.platform import Task
from app.services import tasks
from app.worker.runner import Runner
from bench.worker_throughput import _drop_org, _make_org


@tasks.register_handler("bench.steps")
async def _steps(ctx: tasks.JobContext) -> dict[str, Any]:
    payload: dict[str, Any] = dict(ctx.task.payload)
    steps, pause = int(payload["steps"]), float(payload["step_ms"]) / 1000
    started = time.perf_counter()
    if payload["naive"]:  # one progress transaction and one Redis write per step
        done = 0

        async def naive(i: int) -> None:
            nonlocal done
            await asyncio.sleep(pause * i)
            done += 1
            await ctx.progress(100 * done // steps)
            await ctx.redis.hset(f"bench-steps:{ctx.task.id}", mapping={"done": done})

        await asyncio.gather(*(naive(i) for i in range(steps)))
        writes = steps
    else:
        async with tasks.StepProgress(ctx, total=steps, phase="lookup") as p:

            async def one(i: int) -> None:
                await asyncio.sleep(pause * i)
                await p.step()

            await asyncio.gather(*(one(i) for i in range(steps)))
        writes = p.writes
    return {"elapsed": time.perf_counter() - started, "writes": writes}


async def bench(n_tasks: int, steps: int, step_ms: float) -> None:
    settings = resolve_servers(Settings(log_level="WARNING"))
    configure_logging("WARNING", json=True)
    await asyncio.to_thread(migrate_database, settings)
    settings = settings.model_copy(update={"worker_concurrency": 1, "worker_block_ms": 100})
    org_id = await _make_org(settings)
    db = Database.connect(settings)
    runner = Runner(settings)
    job = asyncio.create_task(runner.run())
    results: dict[str, list[dict[str, Any]]] = {"every step": [], "throttled": []}
    try:
        for i in range(n_tasks):  # one at a time, modes interleaved
            mode = "every step" if i % 2 == 0 else "throttled"
            payload = {"steps": steps, "step_ms": step_ms, "naive": i % 2 == 0}
            jobs = JobBuffer()
            async with db.tenant(org_id) as session:
                task = await tasks.enqueue(
                    session, jobs, org_id=org_id, type="bench.steps", payload=payload
                )
            await publish(runner.redis, jobs.drain())
            while True:
                async with db.tenant(org_id) as session:
                    row = await session.scalar(select(Task).where(Task.id == task.id))
                if row is not None and row.status == "done" and row.result:
                    results[mode].append(row.result)
                    break
                await asyncio.sleep(0.01)
    finally:
        runner.request_stop()
        await job
        await db.dispose()
        await _drop_org(settings, org_id)
    print(f"{n_tasks} tasks of {steps} steps, {step_ms} ms apart, one worker, interleaved")
    for mode, rows in results.items():
        elapsed = [r["elapsed"] * 1000 for r in rows]
        writes = statistics.mean(r["writes"] for r in rows)
        print(
            f"{mode:>10}: handler time median {statistics.median(elapsed):.1f} ms, "
            f"max {max(elapsed):.1f} ms, progress writes per task {writes:.1f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tasks", type=int, default=40)
    parser.add_argument("--steps", type=int, default=17)
    parser.add_argument("--step-ms", type=float, default=0.0)
    args = parser.parse_args()
    asyncio.run(bench(args.tasks, args.steps, args.step_ms))


if __name__ == "__main__":
    main()
