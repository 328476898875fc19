"""One request = one session on one pooled connection, committed before the response is sent.

Services never commit: they flush, and register what must happen after commit (publishing jobs,
calls to the RAG service, mail) with `after_commit`. A flow that needs an external call's result
in the same request (create a product, then its knowledge base) commits with `commit`, makes the
call with no transaction open, and writes the result in a second transaction on the same
connection.
"""

import asyncio
import uuid
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any

import structlog
from sqlalchemy import event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import Pool, QueuePool

from app.core.errors import DomainError

log = structlog.get_logger(__name__)

AfterCommit = Callable[[], Awaitable[None]]

_TENANT = "pifai.tenant"
_SYSTEM = "pifai.system_context"
_KEEP_ON_REFUSAL = "pifai.keep_on_refusal"
_AFTER_COMMIT = "pifai.after_commit"
_SET_ORG = text("SELECT set_config('app.current_org_id', :org, true)")
_SET_ORG_DRIVER = "SELECT set_config('app.current_org_id', $1, true)"
_SET_SYSTEM_DRIVER = "SELECT set_config('app.system_context', 'on', true)"


def _apply_tenant(session: Session, _tx: SessionTransaction, connection: Connection) -> None:
    # set_config(..., true) dies with each transaction: re-apply it to every one of the request
    org = session.info.get(_TENANT)
    if org is not None:
        connection.execute(_SET_ORG, {"org": str(org)})
    if session.info.get(_SYSTEM):
        connection.execute(text("SELECT set_config('app.system_context', 'on', true)"))


class _RequestSession(Session):
    """The sync session of a unit of work: the tenant hook is registered once on the class
    (a listener per session instance cost ~0.1 ms per request, issue 18)."""


event.listen(_RequestSession, "after_begin", _apply_tenant)


def _transaction_open(session: AsyncSession) -> bool:
    bind = session.bind
    return session.in_transaction() or (isinstance(bind, AsyncConnection) and bind.in_transaction())


async def set_tenant(session: AsyncSession, org_id: uuid.UUID) -> None:
    """Scope this and every later transaction of the request's session to `org_id` (RLS)."""
    session.info[_TENANT] = org_id
    if _transaction_open(session):
        await session.execute(_SET_ORG, {"org": str(org_id)})


async def enter_system_scope(session: AsyncSession) -> None:
    """Let the request's transactions see org-less task rows (the tasks RLS policy)."""
    session.info[_SYSTEM] = True
    if _transaction_open(session):
        await session.execute(text("SELECT set_config('app.system_context', 'on', true)"))


def keep_on_refusal(session: AsyncSession) -> None:
    """Commit this request's writes even though it ends in a DomainError (4xx).

    For refusals whose own bookkeeping must survive: a failed sign-in's counter and audit row,
    the revocation of a reused refresh-token family."""
    session.info[_KEEP_ON_REFUSAL] = True


def after_commit(session: AsyncSession, hook: AfterCommit) -> None:
    """Run `hook` once the request's transaction has committed (never if it rolls back)."""
    session.info.setdefault(_AFTER_COMMIT, []).append(hook)


async def _run_hooks(session: AsyncSession) -> None:
    hooks: list[AfterCommit] = session.info.pop(_AFTER_COMMIT, [])
    for hook in hooks:
        try:
            await hook()
        except Exception:  # committed already: a failing side effect must not turn it into a 500
            log.exception("after_commit_failed", hook=getattr(hook, "__qualname__", repr(hook)))


async def _finish(session: AsyncSession, *, commit: bool) -> None:
    """End the unit's transaction, whether the session or a driver read began it."""
    if session.in_transaction():  # controls the connection's transaction if it joined one
        await (session.commit() if commit else session.rollback())
    connection = session.bind
    if isinstance(connection, AsyncConnection) and connection.in_transaction():  # driver reads
        await (connection.commit() if commit else connection.rollback())


async def commit(session: AsyncSession) -> None:
    """Commit now and run the hooks registered so far; the connection stays with the request."""
    await _finish(session, commit=True)
    await _run_hooks(session)


async def driver_rows(session: AsyncSession, sql: str, *args: Any) -> list[Any]:
    """Rows of a read-only statement sent by the driver (asyncpg records: `row["name"]`), in
    the unit's transaction and under its tenant.

    For hot read paths: the ORM's statement and row machinery cost more CPU than the rest of a
    list request (issue 18). When nothing has begun the transaction yet it is begun here through
    SQLAlchemy (which then commits or rolls it back, and resets the connection on return), with
    the tenant applied; a session used later in the request joins it."""
    if not isinstance(session.bind, AsyncConnection):  # lazy: connect through the session
        connection = await session.connection()  # its transaction, the tenant applied
    else:
        connection = session.bind
    if not connection.in_transaction():
        org = session.info.get(_TENANT)
        if org is not None:  # the first statement through SQLAlchemy sends BEGIN
            await connection.exec_driver_sql(_SET_ORG_DRIVER, (str(org),))
        else:
            await connection.exec_driver_sql("SELECT 1")
        if session.info.get(_SYSTEM):
            await connection.exec_driver_sql(_SET_SYSTEM_DRIVER)
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None  # checked out: the asyncpg connection
    rows: list[Any] = await driver.fetch(sql, *args)
    return rows


# Connections kept outside the gate for the short nested transactions a request may open while it
# holds its own (the audit of a refusal, `record_denied`) and for the readiness probe.
GATE_RESERVE = 2


class _FairGate:
    """Permits in arrival order, waited for no longer than the pool's own timeout."""

    def __init__(self, permits: int, timeout: float) -> None:
        self._permits = asyncio.Semaphore(permits)
        self._timeout = timeout

    async def __aenter__(self) -> None:
        if not self._permits.locked():  # a free permit and no one waiting: taken at once
            await self._permits.acquire()  # (no timer scheduled and cancelled per request)
            return
        try:
            async with asyncio.timeout(self._timeout):
                await self._permits.acquire()
        except TimeoutError as exc:  # what the pool raises when it is exhausted: a 503
            raise sa_exc.TimeoutError(f"no database connection within {self._timeout} s") from exc

    async def __aexit__(self, *_exc: object) -> None:
        self._permits.release()


_gates: "weakref.WeakKeyDictionary[Pool, tuple[asyncio.AbstractEventLoop, _FairGate]]" = (
    weakref.WeakKeyDictionary()
)


def connection_gate(engine: AsyncEngine) -> AbstractAsyncContextManager[Any]:
    """A FIFO queue in front of the engine's pool.

    SQLAlchemy's pool lets a newcomer take a just-returned connection ahead of the waiters
    (sqlalchemy/sqlalchemy#7679), so under saturation some requests wait for seconds while others
    pass at once (bench/http c=100: p99 1.6 s, wrk timeouts). asyncio.Semaphore hands permits out
    in arrival order, so requests past the pool's capacity queue here instead.

    Permits: the pool's kept connections; its overflow is left to the short nested transactions
    (`GATE_RESERVE`). QueuePool discards an overflow connection when it is returned to a full
    pool, so requests let into the overflow opened connections (a connect and session setup each)
    at every burst: bench/http c=100 p99 1.8x the bare app's, 1.0-1.3x without.
    """
    pool = engine.sync_engine.pool
    max_overflow = getattr(pool, "_max_overflow", -1)
    if not isinstance(pool, QueuePool) or max_overflow < 0:
        return nullcontext()
    loop = asyncio.get_running_loop()
    entry = _gates.get(pool)
    if entry is None or entry[0] is not loop:
        permits = max(1, pool.size() + min(0, max_overflow - GATE_RESERVE))
        entry = _gates[pool] = (loop, _FairGate(permits, getattr(pool, "_timeout", 30.0)))
    return entry[1]


@asynccontextmanager
async def unit_of_work(
    engine: AsyncEngine, *, lazy: bool = False, **session_options: Any
) -> AsyncIterator[AsyncSession]:
    """The request's session: commit on success, roll back on error, then run after-commit hooks.

    The session is bound to one checked-out connection for the whole request, so a second
    transaction (after `commit`) reuses it instead of taking another from the pool.

    `lazy`: bound to the engine instead, the session takes a connection (past no gate) only at its
    first statement and gives it back at each commit: for worker attempts, most of which send
    nothing of their own (issue 18)."""
    gate = nullcontext() if lazy else connection_gate(engine)
    bind: AbstractAsyncContextManager[AsyncEngine | AsyncConnection] = (
        nullcontext(engine) if lazy else engine.connect()
    )
    async with gate, bind as connection:
        session = AsyncSession(
            bind=connection,
            expire_on_commit=False,
            sync_session_class=_RequestSession,
            # a transaction begun by `driver_rows` is the session's own once it joins
            join_transaction_mode="control_fully",
            **session_options,
        )
        try:
            try:
                yield session
            except DomainError:
                if session.info.get(_KEEP_ON_REFUSAL):
                    await _finish(session, commit=True)
                    await _run_hooks(session)  # e.g. a revoked session announced to every process
                else:
                    await _finish(session, commit=False)
                raise
            except BaseException:
                await _finish(session, commit=False)
                raise
            await _finish(session, commit=True)
        finally:
            if session.in_transaction() or session.identity_map:
                await session.close()
    await _run_hooks(session)
