"""Requests past the pool's capacity are served in arrival order.

SQLAlchemy's async pool hands a returned connection to whoever asks next (`AsyncAdaptedQueue.get`
tries `get_nowait` first), not to the longest waiter, so under saturation some requests waited
seconds while others passed at once (bench/http, c=100).
"""

import asyncio
import itertools

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.config import Settings
from app.core.unit_of_work import GATE_RESERVE, unit_of_work

WORKERS, SECONDS = 40, 1.5
POOL, OVERFLOW = 6, 0  # without the gate ~95 % of entries overtake an earlier caller


async def test_no_caller_is_overtaken_while_it_waits(settings: Settings) -> None:
    engine = create_async_engine(
        settings.app_url, pool_size=POOL, max_overflow=OVERFLOW, pool_timeout=30
    )
    tickets = itertools.count()
    waiting: set[int] = set()
    overtakes = 0
    deadline = asyncio.get_running_loop().time() + SECONDS

    async def worker() -> None:
        nonlocal overtakes
        while asyncio.get_running_loop().time() < deadline:
            ticket = next(tickets)
            waiting.add(ticket)
            async with unit_of_work(engine) as session:
                waiting.discard(ticket)
                overtakes += any(earlier < ticket for earlier in waiting)
                await session.execute(text("SELECT pg_sleep(0.002)"))

    try:
        await asyncio.gather(*(worker() for _ in range(WORKERS)))
    finally:
        await engine.dispose()
    entries = next(tickets)  # every ticket entered once
    assert entries > 4 * WORKERS  # the pool was saturated for many rounds
    # the gate admits in ticket order; the few left are callers reordered between the gate and
    # the checkout while the pool opens its connections (no overflow: after that, none are opened)
    assert overtakes <= entries // 20, (overtakes, entries)
    assert POOL + OVERFLOW - GATE_RESERVE < WORKERS
