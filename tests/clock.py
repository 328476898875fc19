"""A virtual clock for code that takes `clock` and `sleep` collaborators (rate limiters).

Time moves only when every task being driven is asleep on the clock, and then straight to the
earliest wake-up, so results are exact and independent of machine load.
"""

import asyncio
import heapq
import itertools
from collections.abc import Awaitable, Iterable
from typing import Any


class VirtualClock:
    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._order), wake))
        await wake

    @property
    def sleeping(self) -> int:
        return sum(1 for *_, wake in self._sleepers if not wake.done())

    def advance(self) -> None:
        """Jump to the earliest wake-up and release every sleeper due by then."""
        if not self._sleepers:
            return
        self.now = max(self.now, self._sleepers[0][0])
        while self._sleepers and self._sleepers[0][0] <= self.now:
            _, _, wake = heapq.heappop(self._sleepers)
            if not wake.done():
                wake.set_result(None)

    async def run(self, work: Iterable[Awaitable[Any]], *, timeout: float = 60.0) -> list[Any]:
        """Run `work` concurrently, advancing time whenever all of it is asleep.

        `timeout` is real seconds, a bound against a hang, not part of the behaviour tested.
        """
        tasks = [asyncio.ensure_future(w) for w in work]

        async def drive() -> list[Any]:
            while pending := [t for t in tasks if not t.done()]:
                if self.sleeping >= len(pending):
                    self.advance()
                await asyncio.wait(pending, timeout=0.001)
            return [t.result() for t in tasks]

        try:
            return await asyncio.wait_for(drive(), timeout)
        finally:
            for t in tasks:
                t.cancel()
