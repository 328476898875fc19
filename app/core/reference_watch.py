"""Whether the reference tables may have changed since a cache last read their versions.

A cache of something built from `ingredients` / `regulated_substances` (the formula checker, the
rule index) used to read `reference_versions` on every use: on check-formula that read, with its
BEGIN and COMMIT, was a third of the request (issue 18). Instead, a process that serves requests
keeps one connection LISTENing to the channel the version trigger notifies (migration 0012), and
a cache that read the versions while the watch was live trusts them until the process-wide
`generation()` moves. It moves on:

- every notification (any writer, any process, psql included: PostgreSQL delivers it once the
  writing transaction has committed, i.e. within milliseconds of the change being visible);
- every commit of a session of this process that wrote those tables (ORM flushes and
  `session.execute` of INSERT/UPDATE/DELETE, `text()` SQL naming them): bumped synchronously
  after the commit, so a later request of this process never waits for the notification;
- the watch starting, losing or closing its connection.

With no live watch for a database (the worker, the CLI, a test session on another engine) the
caches read the versions every time, as before.
"""

import asyncio
import contextlib
import re
import weakref
from typing import Any

import structlog
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from app.core.watch import Watch

log = structlog.get_logger(__name__)

CHANNEL = "pifai_reference_versions"  # notified by reference_versions_bump() (migration 0012)
TABLES = frozenset({"ingredients", "regulated_substances"})
RETRY_SECONDS = 1.0  # between attempts to (re)connect the watch
PING_SECONDS, PING_TIMEOUT = 10.0, 5.0  # the watch's liveness check

_generation = 0
# live LISTEN connections per database key (a test process may run several apps on one database:
# one stopping must not end the others' trust)
_watched: dict[str, int] = {}
_keys: "weakref.WeakKeyDictionary[Engine, str]" = weakref.WeakKeyDictionary()
_WROTE = "pifai.reference_written"
_NAMES_TABLE = re.compile(r"\b(?:ingredients|regulated_substances)\b", re.IGNORECASE)
_WRITES = re.compile(r"\b(?:insert|update|delete|truncate|copy|merge)\b", re.IGNORECASE)


def generation() -> int:
    """Moves whenever the reference tables may have changed (see the module's docstring)."""
    return _generation


def changed() -> None:
    global _generation
    _generation += 1


def database_key(engine: Engine) -> str:
    """The database an engine reaches, whatever the role (host, port, socket, name)."""
    key = _keys.get(engine)
    if key is None:
        key = _keys[engine] = engine.url.set(username=None, password=None).render_as_string()
    return key


def session_database(session: AsyncSession) -> str | None:
    bind = session.bind
    if isinstance(bind, AsyncConnection):
        return database_key(bind.engine.sync_engine)
    if isinstance(bind, AsyncEngine):
        return database_key(bind.sync_engine)
    return None


def watched(key: str | None) -> bool:
    return key is not None and _watched.get(key, 0) > 0


class ReferenceWatch(Watch):
    """One LISTEN connection for the process's database, reconnected until `stop`."""

    task_name = "reference-watch"

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__()
        self._key = database_key(engine.sync_engine)
        url = engine.url.set(drivername="postgresql")
        self._dsn = url.render_as_string(hide_password=False)

    @property
    def key(self) -> str:
        return self._key

    async def _run(self) -> None:
        import asyncpg  # the driver SQLAlchemy uses; a raw connection outside the app's pool

        while True:
            conn: Any = None
            lost = asyncio.Event()
            try:
                conn = await asyncpg.connect(self._dsn, timeout=5)
                conn.add_termination_listener(_setter(lost))
                await conn.add_listener(CHANNEL, _notified)
                # changes before the LISTEN are covered: the caches read again from here on
                _watched[self._key] = _watched.get(self._key, 0) + 1
                changed()
                self._live.set()
                while not lost.is_set():
                    # a connection that died silently must not keep the caches trusting
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(PING_SECONDS):
                            await lost.wait()
                    if not lost.is_set():
                        async with asyncio.timeout(PING_TIMEOUT):
                            await conn.fetchval("SELECT 1")
                log.warning("reference_watch_lost")
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: caches read per use until back
                log.warning("reference_watch_unavailable", error=type(exc).__name__)
            finally:
                if self._live.is_set():
                    left = _watched.get(self._key, 1) - 1
                    if left > 0:
                        _watched[self._key] = left
                    else:
                        _watched.pop(self._key, None)
                self._live.clear()
                changed()
                if conn is not None and not conn.is_closed():
                    conn.terminate()
            await asyncio.sleep(RETRY_SECONDS)


def _notified(*_args: object) -> None:
    changed()


def _setter(event: asyncio.Event) -> Any:
    return lambda *_args: event.set()


# --- commits of this process that wrote the reference tables ------------------------------


def _mark(session: Session) -> None:
    session.info[_WROTE] = True


def _after_flush(session: Session, _flush: UOWTransaction) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        table = getattr(getattr(obj, "__table__", None), "name", None)
        if table in TABLES:
            _mark(session)
            return


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_select:
        return
    if state.is_insert or state.is_update or state.is_delete:
        if getattr(getattr(state.statement, "table", None), "name", None) in TABLES:
            _mark(state.session)
        return
    sql = getattr(state.statement, "text", None)  # text(): judged by its words
    if isinstance(sql, str) and _NAMES_TABLE.search(sql) and _WRITES.search(sql):
        _mark(state.session)


def _after_commit(session: Session) -> None:
    # a mark left by a rolled-back write only costs the caches one more version read
    if session.info.pop(_WROTE, False):
        changed()


event.listen(Session, "after_flush", _after_flush)
event.listen(Session, "do_orm_execute", _on_execute)
event.listen(Session, "after_commit", _after_commit)
