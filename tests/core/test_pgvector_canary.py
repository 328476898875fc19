"""Embedded pgvector must compute on this CPU (a wheel built for newer CPUs dies with SIGILL)."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


async def test_vector_math_on_wide_vectors_runs(owner_engine: AsyncEngine) -> None:
    wide = "[" + ",".join(["1"] * 64) + "]"
    async with owner_engine.connect() as conn:
        distance = await conn.scalar(
            text("SELECT CAST(:a AS vector) <=> CAST(:b AS vector)"), {"a": wide, "b": wide}
        )
    assert distance == 0
