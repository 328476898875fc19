"""The fault-injection task kind `faults.work`, registered only by the fault tests.

It sleeps `seconds` (so a kill lands mid-attempt), then writes one `faults.effect` audit row in
the task's own transaction: a task that finished exactly once has exactly one such row. (After
the sleep: the audit chain's head is locked until commit, and holding it through the sleep
would run the tasks one at a time.) A high attempt budget, because a task may be interrupted
by several kills in a row.
"""

import asyncio
from typing import Any

from app.services import audit
from app.services.tasks.registry import JobContext, Queue, register_handler

TASK_TYPE = "faults.work"
EFFECT = "faults.effect"


@register_handler(TASK_TYPE, queue=Queue.DEFAULT, max_attempts=50)
async def work(ctx: JobContext) -> dict[str, Any]:
    seconds = ctx.task.payload.get("seconds", 0)
    await asyncio.sleep(float(seconds) if isinstance(seconds, int | float) else 0.0)
    await audit.record(
        ctx.session,
        EFFECT,
        org_id=ctx.task.org_id,
        resource_type="task",
        resource_id=ctx.task.id,
        details={"attempt": ctx.task.attempts},
    )
    return {"attempt": ctx.task.attempts}
