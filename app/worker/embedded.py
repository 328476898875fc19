"""The worker that `pifai serve` runs inside the API process (contract; see issue 5)."""

from typing import Protocol

from app.core.config import Settings


class WorkerHandle(Protocol):
    async def stop(self) -> None: ...


def start_in_process_worker(settings: Settings) -> WorkerHandle:
    """Start a worker as asyncio tasks in the running loop and return a handle to stop it."""
    raise NotImplementedError("the in-process worker lands with the worker pipeline (issue 5)")
