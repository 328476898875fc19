"""Local formula extraction in one separate process, so it never holds the API's GIL.

Parsing a formula file, OCR and matching every line against the ~29k-name dictionary are long
CPU-bound calls (rapidfuzz over the whole dictionary holds the GIL ~85 ms per unknown name). In
a thread of the process that also serves the API (`pifai serve` runs the worker in it) they
stalled `/healthz` for up to a second (bench/RESULTS.md, issue 17). Here they run in a child:

* started lazily (the first extraction), one process at most (jobs queue behind each other),
  `spawn`ed (never a fork of a threaded event-loop process), at a lower CPU priority (nice 10);
* the child builds its own dictionary from the database (the SQL of `dictionary_cache`, through
  asyncpg; rebuilt when the master's version changes): nothing big is pickled, the parent sends
  the file's bytes and name and gets the draft back as plain JSON data;
* shut down when the worker stops (`Runner.run`), in `pifai serve` and in `pifai worker`; a job
  cancelled while the child runs it kills the child (a thread could not be stopped), the next
  extraction starts a new one.

The child imports this module, the formula engine and `finalize_extraction` only (no FastAPI,
no SQLAlchemy): keep this module's imports that lean.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, TypedDict

from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.ocr import OcrLimits


@dataclass(frozen=True)
class DictionarySource:
    """Where the child reads the ingredient master: a libpq DSN and the two queries' SQL."""

    dsn: str
    version_sql: str
    rows_sql: str


class Outcome(TypedDict, total=False):
    """The child's answer: `error` (a reason for the user), `lines` (too many: the count), or
    the draft with its confidence and total."""

    error: str
    lines: int
    draft: dict[str, Any]
    confidence: float
    total_pct: float | None


def extract_outcome(
    data: bytes,
    filename: str,
    content_type: str,
    dictionary: IngredientDictionary,
    ocr: OcrLimits,
    max_lines: int,
) -> Outcome:
    """The local provider's extraction (engine + finalize) as the stored draft, or why not."""
    from app.ai.providers.finalize import finalize_extraction
    from app.engines.formula.draft import draft_of
    from app.engines.formula.errors import ExtractionError, TooManyLines
    from app.engines.formula.extract import extract_formula

    try:
        result = extract_formula(data, filename, dictionary, content_type, ocr, max_lines)
        result = finalize_extraction(result, dictionary)
    except TooManyLines as exc:  # known before the lines were matched: the same answer, sooner
        return {"lines": exc.count}
    except ExtractionError as exc:
        return {"error": str(exc)}
    if len(result.ingredients) > max_lines:
        return {"lines": len(result.ingredients)}  # the stored draft stays bounded
    return {
        "draft": draft_of(result),
        "confidence": result.confidence,
        "total_pct": result.total_pct,
    }


# --- in the child ---------------------------------------------------------------------------


class _Child:
    """The child's dictionary, rebuilt when the ingredient master's version changes."""

    def __init__(self, source: DictionarySource) -> None:
        self.source = source
        self.version: tuple[object, ...] | None = None
        self.dictionary: IngredientDictionary | None = None

    async def _refresh(self) -> None:
        import asyncpg

        from app.engines.formula.starter import master_dictionary

        conn = await asyncpg.connect(self.source.dsn, timeout=5, command_timeout=60)
        try:
            version = tuple(await conn.fetchrow(self.source.version_sql))
            if self.dictionary is None or version != self.version:
                rows = await conn.fetch(self.source.rows_sql)
                self.dictionary, self.version = master_dictionary(rows), version
        finally:
            await conn.close()

    def current(self) -> IngredientDictionary:
        asyncio.run(self._refresh())
        assert self.dictionary is not None
        return self.dictionary


_child: _Child | None = None


NICENESS = 10  # background work: on a shared machine the API's requests get the CPU first


def _init(source: DictionarySource) -> None:
    global _child
    os.nice(NICENESS)
    _child = _Child(source)
    _child.current()  # the dictionary is loaded when the process starts, not with the first file


def _run(data: bytes, filename: str, content_type: str, ocr: OcrLimits, max_lines: int) -> Outcome:
    assert _child is not None, "not in an extraction process"
    return extract_outcome(data, filename, content_type, _child.current(), ocr, max_lines)


def _pid() -> int:
    return os.getpid()


# --- in the parent --------------------------------------------------------------------------


class ExtractionPool:
    """A lazily started pool of one extraction process."""

    def __init__(self) -> None:
        self._executor: ProcessPoolExecutor | None = None
        self._source: DictionarySource | None = None

    @property
    def running(self) -> bool:
        return self._executor is not None

    def _pool(self, source: DictionarySource) -> ProcessPoolExecutor:
        if self._executor is not None and self._source != source:
            self._discard(self._executor)
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init,
                initargs=(source,),
            )
            self._source = source
        return self._executor

    async def _submit(self, source: DictionarySource, fn: Callable[..., Any], *args: Any) -> Any:
        executor = self._pool(source)
        future: Future[Any] = executor.submit(fn, *args)
        try:
            return await asyncio.wrap_future(future)
        except asyncio.CancelledError:
            if not future.cancel():  # already running in the child: stop it there
                self._discard(executor, kill=True)
            raise
        except BrokenProcessPool:
            # the child died (killed, out of memory, its start failed): the next call starts a
            # new one; this attempt fails and the task is retried
            self._discard(executor, kill=True)
            raise

    async def extract(
        self,
        source: DictionarySource,
        data: bytes,
        filename: str,
        content_type: str,
        ocr: OcrLimits,
        max_lines: int,
    ) -> Outcome:
        """Extract in the child (started on first use; it reads its dictionary from `source`)."""
        outcome: Outcome = await self._submit(
            source, _run, data, filename, content_type, ocr, max_lines
        )
        return outcome

    async def child_pid(self, source: DictionarySource) -> int:
        """The extraction process's pid (starting it if needed); for tests and benchmarks."""
        pid: int = await self._submit(source, _pid)
        return pid

    def _discard(self, executor: ProcessPoolExecutor, *, kill: bool = False) -> None:
        if kill:
            for process in list(executor._processes.values()):
                process.kill()
        executor.shutdown(wait=False, cancel_futures=True)
        if self._executor is executor:
            self._executor, self._source = None, None

    async def shutdown(self) -> None:
        """Stop the child (waits for a running extraction; queued ones are cancelled)."""
        executor, self._executor, self._source = self._executor, None, None
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)


# One per process, like `dictionary_cache`: the worker's jobs share it; `Runner.run` stops it.
extraction_pool = ExtractionPool()
