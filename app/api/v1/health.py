"""Liveness, readiness and Prometheus metrics."""

from typing import Any

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from redis.exceptions import RedisError
from sqlalchemy.exc import SQLAlchemyError

from app.core.migrations_state import alembic_heads, current_revisions

router = APIRouter(tags=["operations"])
log = structlog.get_logger(__name__)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "A dependency is not ready"}})
async def readyz(request: Request) -> JSONResponse:
    """Readiness: database and Redis reachable, schema at the Alembic head."""
    checks: dict[str, Any] = {}
    try:
        async with request.app.state.db.engine.connect() as conn:
            revisions = await current_revisions(conn)
        checks["database"] = "ok"
        checks["migrations"] = "ok" if revisions == alembic_heads() else "behind"
    except SQLAlchemyError as exc:
        log.warning("readyz_database_failed", error=type(exc).__name__)
        checks["database"] = "unreachable"
        checks["migrations"] = "unknown"
    try:
        await request.app.state.redis.ping()
        checks["redis"] = "ok"
    except (RedisError, OSError) as exc:
        log.warning("readyz_redis_failed", error=type(exc).__name__)
        checks["redis"] = "unreachable"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status_code=200 if ready else 503,
    )


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
