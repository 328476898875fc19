"""check_lines evaluates a small formula on the event loop and hands long work to a thread."""

import asyncio
import threading
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.engines.regulatory.findings import FormulaLine
from app.schemas.product_description import ProductDescription
from app.services.regulatory import CheckerCache
from app.services.regulatory import service as regulatory

pytestmark = pytest.mark.usefixtures("reference_data", "clean_db")
FACE = ProductDescription(form="leave_on", areas=["face"])


async def test_small_formulas_stay_on_the_loop_long_searches_do_not(
    app_engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []
    real = asyncio.to_thread

    async def recording(func: Any, /, *args: Any) -> Any:
        threads.append(threading.get_ident())
        return await real(func, *args)

    monkeypatch.setattr(asyncio, "to_thread", recording)
    cache = CheckerCache()
    known = [FormulaLine("WATER", "7732-18-5", 80.0), FormulaLine("GLYCERIN", None, 5.0)]
    unknown = [FormulaLine(f"Plant extract nr {i}", None, 0.1) for i in range(10)]
    async with AsyncSession(app_engine) as session:
        await cache.get(session)  # the first-use build runs in a thread of its own
        threads.clear()
        await regulatory.check_lines(session, cache, known, product=FACE)
        assert threads == []  # known names only: on the loop
        report = await regulatory.check_lines(session, cache, known + unknown, product=FACE)
        assert len(threads) == 1  # ten names to search: in a thread
        assert report.summary.unidentified == 10
        again = await regulatory.check_lines(session, cache, known + unknown, product=FACE)
        assert len(threads) == 1  # their candidates are cached now: on the loop
        assert again.findings == report.findings
