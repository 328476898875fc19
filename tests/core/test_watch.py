"""A watch stops even when its client swallows the first cancellation.

On Python 3.11 a cancel that arrives as a timeout inside redis-py expires can be read as "no
message" (the client catches the TimeoutError the timeout turned it into): the listening loop
goes on, and a single cancel-and-await hung the app's shutdown (tests/worker + a blocking test).
"""

import asyncio

from app.core.watch import Watch


class _SwallowsOneCancel(Watch):
    task_name = "test-watch"

    def __init__(self) -> None:
        super().__init__()
        self.swallowed = 0

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                if self.swallowed:
                    raise
                self.swallowed += 1  # what the client's timeout handling does with it


async def test_stop_ends_a_watch_that_swallowed_a_cancel() -> None:
    watch = _SwallowsOneCancel()
    watch.start()
    task = watch._task
    assert task is not None
    await asyncio.sleep(0)
    stopping = asyncio.create_task(watch.stop())
    done, _ = await asyncio.wait({stopping}, timeout=5)
    assert done, "stop() still waiting on the watch"
    assert task.done() and watch.swallowed == 1


async def test_stop_without_start_is_a_no_op() -> None:
    await _SwallowsOneCancel().stop()
