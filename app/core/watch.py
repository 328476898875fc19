"""A connection the process keeps open in the background to hear of changes (a LISTEN, a
Redis subscription), reconnected by its own loop until `stop`."""

import asyncio

import structlog

log = structlog.get_logger(__name__)

STOP_ATTEMPTS = 50
STOP_RETRY_SECONDS = 0.1


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
        task, self._task = self._task, None
        if task is None:
            return
        # On Python 3.11 a cancel that lands as a timeout inside the client expires can be
        # swallowed (redis-py then reads "no message" and listens on): cancel until it ends.
        for _ in range(STOP_ATTEMPTS):
            task.cancel()
            await asyncio.wait({task}, timeout=STOP_RETRY_SECONDS)
            if task.done():
                break
        else:
            log.warning("watch_did_not_stop", watch=self.task_name)
            return
        if not task.cancelled() and task.exception() is not None:
            log.warning("watch_failed", watch=self.task_name, error=repr(task.exception()))

    async def _run(self) -> None:
        raise NotImplementedError
