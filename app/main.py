"""Application factory: settings, lifespan resources on app.state, routers, error handlers."""

import asyncio
import contextlib
import ctypes
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import redis.asyncio as redis
import structlog
from fastapi import FastAPI
from fastapi.telemetry import TelemetryConfig
from fastapi_offline import FastAPIOffline

from app.api.deps import principal_cache_of
from app.api.openapi import install_openapi
from app.api.v1 import health
from app.api.v1.router import API_PREFIX, API_ROUTERS
from app.core.body_limits import BodyLimitMiddleware
from app.core.config import Settings
from app.core.database import Database, owner_engine
from app.core.errors import install_error_handlers
from app.core.file_crypto import kek_for
from app.core.inline_migrations import run_inline_migrations
from app.core.logging import configure_logging
from app.core.middleware import RequestContextMiddleware
from app.core.reference_watch import ReferenceWatch
from app.core.runtime import resolve_servers
from app.core.storage import storage_for
from app.engines.safety.registry import verify_live_constants
from app.schemas.errors import STANDARD_ERROR_RESPONSES
from app.services.identity.principals import PrincipalWatch
from app.services.knowledge import rag_client
from app.services.regulatory import RuleIndexCache

log = structlog.get_logger(__name__)

_NO_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}


def release_free_heap() -> None:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim): start-up frees a
    few MiB of temporaries that malloc would otherwise keep resident for the process's life."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def create_app(
    settings: Settings | None = None,
    *,
    run_startup_migrations: bool = True,
    with_worker: bool = False,
) -> FastAPI:
    """Build the ASGI app; servers are resolved (embedded if unset) before anything connects."""
    settings = resolve_servers(settings or Settings())
    configure_logging(settings.log_level, settings.log_json)
    verify_live_constants()  # the safety engine must not run on constants that left the registry

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if run_startup_migrations:
            engine = owner_engine(settings)
            try:
                await run_inline_migrations(engine)
            finally:
                await engine.dispose()
        app.state.db = Database.connect(settings)
        # the reference caches trust their versions while this connection hears no change
        watch = app.state.reference_watch = ReferenceWatch(app.state.db.engine)
        watch.start()
        app.state.redis = redis.from_url(str(settings.redis_url))
        # cached callers are trusted while this subscription hears every change (no Redis
        # round trip per request); a brief wait so the first requests already use it
        cache = principal_cache_of(app)
        principals = app.state.principal_watch = PrincipalWatch(app.state.redis, cache)
        principals.start()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(1.0):
                await principals.wait_live()
        app.state.storage = storage_for(settings)
        app.state.kek = kek_for(settings)
        app.state.rule_index = RuleIndexCache()
        app.state.rag = rag_client(settings)
        log.info("app_started", env=settings.app_env.value)
        worker = None
        if with_worker:  # `pifai api` never imports the worker
            from app.worker.embedded import start_in_process_worker

            worker = start_in_process_worker(settings)
        # Start-up objects live for the whole process: keep them out of every later full
        # collection (each one paused the process ~100 ms; issue 18 measurement).
        gc.collect()
        gc.freeze()
        release_free_heap()
        try:
            yield
        finally:
            if worker is not None:
                await worker.stop()
                from app.services.extraction_process import extraction_pool

                await extraction_pool.shutdown()  # the formula extraction process, if started
            await watch.stop()
            await principals.stop()
            await app.state.rag.aclose()
            await app.state.redis.aclose()
            await app.state.db.dispose()

    docs = settings.docs_enabled
    # Swagger UI / ReDoc assets come from the fastapi-offline wheel: the docs work with no network.
    app = FastAPIOffline(
        static_url="/api/v1/docs-assets",
        title="PIF AI",
        version="0.1.0",
        summary="Product Information File backend (Taiwan Cosmetic Hygiene and Safety Act, Art. 8)",
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs" if docs else None,
        redoc_url="/api/v1/redoc" if docs else None,
        lifespan=lifespan,
        telemetry=None if settings.otel_enabled else _NO_TELEMETRY,
    )
    app.state.settings = settings
    # added first = innermost: the request id is already set when a body is refused
    app.add_middleware(BodyLimitMiddleware, settings=settings)
    app.add_middleware(RequestContextMiddleware)
    install_error_handlers(app)
    app.include_router(health.router)
    for router in API_ROUTERS:
        app.include_router(router, prefix=API_PREFIX, responses=STANDARD_ERROR_RESPONSES)
    install_openapi(app)
    return app


def app_factory() -> FastAPI:
    """Entry point for `uvicorn --factory app.main:app_factory`."""
    return create_app()
