"""Domain errors with a stable code and status, rendered by one handler set."""

from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

log = structlog.get_logger(__name__)


class DomainError(Exception):
    status_code = 400
    code = "bad_request"
    headers: dict[str, str] | None = None  # e.g. Retry-After on 429

    def __init__(self, message: str, *, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code:
            self.code = code


class NotFound(DomainError):
    status_code, code = 404, "not_found"


class Forbidden(DomainError):
    status_code, code = 403, "forbidden"


class Unauthorized(DomainError):
    status_code, code = 401, "unauthorized"


class Conflict(DomainError):
    status_code, code = 409, "conflict"


class Unprocessable(DomainError):
    status_code, code = 422, "validation_error"


class PayloadTooLarge(DomainError):
    status_code, code = 413, "payload_too_large"


class UnsupportedMediaType(DomainError):
    status_code, code = 415, "unsupported_media_type"


class TooManyRequests(DomainError):
    status_code, code = 429, "rate_limited"


class ServiceUnavailable(DomainError):
    status_code, code = 503, "service_unavailable"


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    503: "service_unavailable",
}


def request_id_of(request: Request) -> str | None:
    rid = getattr(request.state, "request_id", None)
    return rid if isinstance(rid, str) else None


def error_response(
    request: Request,
    status: int,
    code: str,
    message: str,
    details: Any = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message, "request_id": request_id_of(request)}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _clean_validation_errors(errors: Any) -> list[dict[str, Any]]:
    # never echo raw input back: it may hold passwords or formula data
    return [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type")}
        for e in errors
    ]


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> list[str]:
    """Every method declared for the request's path: Starlette's 405 names only the first route."""
    scope = {k: v for k, v in request.scope.items() if k not in ("route", "endpoint")}
    return [
        method
        for method in _METHODS
        if any(
            route.matches({**scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]


def unavailable_dependency(exc: BaseException) -> str | None:
    """'database' / 'redis' when `exc` (or its cause chain) is a lost or refused connection."""
    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return None
        if isinstance(seen, RedisConnectionError | RedisTimeoutError):
            return "redis"
        if isinstance(seen, sa_exc.DBAPIError) and (
            seen.connection_invalidated
            or isinstance(seen, sa_exc.OperationalError | sa_exc.InterfaceError)
        ):
            return "database"
        if isinstance(seen, sa_exc.TimeoutError):  # pool exhausted while the database is gone
            return "database"
        # the server refusing or ending sessions (asyncpg's sqlstate): 08 connection exception,
        # 57P01-03 shutting down / crashed / starting up ("the database system is shutting down")
        state = getattr(seen, "sqlstate", None)
        if isinstance(state, str) and state.startswith(("08", "57P")):
            return "database"
        # a refused/missing socket (OSError) or a timeout raised by asyncpg/SQLAlchemy itself
        if isinstance(seen, OSError | TimeoutError) and _from_database(seen):
            return "database"
        seen = seen.__cause__ or seen.__context__
    return None


def _from_database(exc: BaseException) -> bool:
    tb = exc.__traceback__
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        if module.startswith(("asyncpg", "sqlalchemy")):
            return True
        tb = tb.tb_next
    return False


def install_error_handlers(app: FastAPI) -> None:
    """Render every error as {"error": {code, message, request_id, details?}}."""

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return error_response(
            request, exc.status_code, exc.code, exc.message, exc.details, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = _clean_validation_errors(exc.errors())
        malformed = any(d["type"] == "json_invalid" for d in details)
        message = "Malformed JSON body" if malformed else "Request validation failed"
        return error_response(request, 422, "validation_error", message, details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request))}
        return error_response(request, exc.status_code, code, message, headers=headers)

    async def _outage(request: Request, exc: Exception) -> JSONResponse:
        dependency = unavailable_dependency(exc)
        if dependency is None:
            return await _unhandled(request, exc)
        # an outage is the client's to retry, not a server bug: structured 503, never 500
        log.warning("dependency_unavailable", dependency=dependency, error=type(exc).__name__)
        return error_response(
            request,
            503,
            f"{dependency}_unavailable",
            f"The {dependency} is unavailable; retry shortly",
            headers={"Retry-After": "5"},
        )

    # registered per class (not under Exception) so the 503 is an ordinary handled response
    for outage_type in (sa_exc.SQLAlchemyError, RedisError, OSError):
        app.add_exception_handler(outage_type, _outage)

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", error_type=type(exc).__name__)
        return error_response(request, 500, "internal_error", "Internal server error")
