"""A per-process cache of something built from database rows, rebuilt when they change."""

import asyncio
import gc
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from sqlalchemy import Executable
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import reference_watch

T = TypeVar("T")


def _settle() -> None:
    """A build is long-lived (the checker's ~29k names and their index: millions of objects):
    keep it out of every later full collection, as start-up's objects are (app/main.py). Left
    tracked, each full collection scanned it and paused the process (bench/http: p99 at c=10 of
    3-4x the bare app's once the checker was built). Freezing does not stop reference counting:
    a replaced build is freed as before."""
    gc.collect()
    gc.freeze()


class VersionedCache(Generic[T]):
    """`version` is a cheap query (e.g. row count and last update); `build` runs only on change.

    `watched`: the version is what the reference tables' trigger keeps (`reference_versions`,
    which also notifies): while `app.core.reference_watch` reports no change it is not re-read.
    """

    def __init__(
        self,
        version: Executable,
        build: Callable[[AsyncSession], Awaitable[T]],
        *,
        watched: bool = False,
    ) -> None:
        self._watched = watched
        self._version_query = version
        self._build = build
        self._version: tuple[object, ...] | None = None
        self._value: T | None = None
        self._lock = asyncio.Lock()
        self._lock_loop: asyncio.AbstractEventLoop | None = None
        # (database, watch generation) under which the stored version was read: while a watch
        # of that database is live and the generation has not moved, nothing changed since
        self._trusted: tuple[str, int] | None = None

    def _loop_lock(self) -> asyncio.Lock:
        """One build at a time per event loop (a process-wide cache may outlive a loop)."""
        loop = asyncio.get_running_loop()
        if self._lock_loop is not loop:
            self._lock, self._lock_loop = asyncio.Lock(), loop
        return self._lock

    async def get(self, session: AsyncSession) -> T:
        database = reference_watch.session_database(session) if self._watched else None
        seen = (database, reference_watch.generation()) if database is not None else None
        if (
            self._value is not None
            and seen is not None
            and seen == self._trusted
            and reference_watch.watched(database)
        ):
            return self._value  # no change announced since the versions were read (issue 18)
        # taken before the read: a change committed after it moves the generation again
        trusted = seen if reference_watch.watched(database) else None
        version = tuple((await session.execute(self._version_query)).one())
        async with self._loop_lock():
            if self._value is None or version != self._version:
                self._trusted = None
                self._value = await self._build(session)
                self._version = version
                _settle()
            if trusted is not None:
                self._trusted = trusted
            return self._value
