"""A per-process cache of something built from database rows, rebuilt when they change."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


class VersionedCache(Generic[T]):
    """`version` is a cheap query (e.g. row count and last update); `build` runs only on change."""

    def __init__(self, version: Executable, build: Callable[[AsyncSession], Awaitable[T]]) -> None:
        self._version_query = version
        self._build = build
        self._version: tuple[object, ...] | None = None
        self._value: T | None = None
        self._lock = asyncio.Lock()

    async def get(self, session: AsyncSession) -> T:
        version = tuple((await session.execute(self._version_query)).one())
        async with self._lock:
            if self._value is None or version != self._version:
                self._value = await self._build(session)
                self._version = version
            return self._value
