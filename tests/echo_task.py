"""The `tasks.echo` kind: a scriptable handler for tests, registered only by the test suite.

`tests/conftest.py` imports this module (the decorator registers it); `python -m tests.echo_task`
runs a worker process that knows it, for the crash-recovery tests.

Payload options (all optional): `fail_times` (raise on the first N attempts), `permanent` (raise
PermanentError), `hang_attempts` + `hang_seconds` (sleep on the first N attempts, to be killed),
`effect` (append one `tasks.echo_effect` audit event in the task's transaction), `message`.
"""

import asyncio
from typing import Any

from app.services import audit
from app.services.tasks.registry import JobContext, PermanentError, Queue, register_handler


def _int(payload: dict[str, Any], key: str) -> int:
    value = payload.get(key, 0)
    return value if isinstance(value, int) else 0


async def _echo_failed(ctx: JobContext) -> None:
    """Domain fallback: record that the echo gave up (a real kind resets its document, etc.)."""
    await audit.record(
        ctx.session,
        "tasks.echo_fallback",
        org_id=ctx.task.org_id,
        resource_type="task",
        resource_id=ctx.task.id,
    )


@register_handler("tasks.echo", queue=Queue.DEFAULT, on_failed=_echo_failed)
async def echo(ctx: JobContext) -> dict[str, Any]:
    payload = ctx.task.payload
    attempt = ctx.task.attempts
    if payload.get("permanent"):
        raise PermanentError("echo was asked to fail permanently")
    if payload.get("effect"):
        # written in the task's transaction: it commits together with status=done, or not at all
        await audit.record(
            ctx.session,
            "tasks.echo_effect",
            org_id=ctx.task.org_id,
            resource_type="task",
            resource_id=ctx.task.id,
            details={"attempt": attempt},
        )
    if attempt <= _int(payload, "hang_attempts"):
        await ctx.progress(50)
        await asyncio.sleep(float(payload.get("hang_seconds", 30)))  # type: ignore[arg-type]
    if attempt <= _int(payload, "fail_times"):
        raise RuntimeError(f"echo failure {attempt} of {_int(payload, 'fail_times')}")
    return {"echo": payload.get("message"), "attempt": attempt}


if __name__ == "__main__":
    from app.worker.__main__ import main

    main()
