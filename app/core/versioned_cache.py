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
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    def _loop_lock(self) -> asyncio.Lock:
        """One build at a time per event loop (a process-wide cache may outlive a loop)."""
        loop = asyncio.get_running_loop()
        if self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    async def get(self, session: AsyncSession) -> T:
        version = tuple((await session.execute(self._version_query)).one())
        async with self._loop_lock():
            if self._value is None or version != self._version:
                self._value = await self._build(session)
                self._version = version
            return self._value
