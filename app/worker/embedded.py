"""The worker that `pifai serve` runs inside the API process (contract; see issue 5)."""

import asyncio
from typing import Protocol

from app.core.config import Settings
from app.worker.runner import Runner


class WorkerHandle(Protocol):
    async def stop(self) -> None: ...


class _InProcessWorker:
    def __init__(self, runner: Runner) -> None:
        self._runner = runner
        self._task = asyncio.get_running_loop().create_task(runner.run(), name="pifai-worker")

    async def stop(self) -> None:
        self._runner.request_stop()
        await self._task


def start_in_process_worker(settings: Settings) -> WorkerHandle:
    """Start a worker as asyncio tasks in the running loop and return a handle to stop it."""
    return _InProcessWorker(Runner(settings))
