"""A connection the process keeps open in the background to hear of changes (a LISTEN, a
Redis subscription), reconnected by its own loop until `stop`."""

import asyncio
import contextlib


class Watch:
    """Subclasses implement `_run` (the reconnect loop) and set/clear `_live` as they hear."""

    task_name = "watch"

    def __init__(self) -> None:
        self._task: asyncio.Task[None] | None = None
        self._live = asyncio.Event()

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=self.task_name)

    async def wait_live(self) -> None:
        """Until the watch hears (tests and start-up; wrap in `asyncio.timeout`)."""
        await self._live.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        raise NotImplementedError
