"""Request id, access log and request metrics as one pure ASGI middleware."""

import logging
import re
import time
import uuid

import structlog
from prometheus_client import Counter, Histogram
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger("app.access")
_access_level = logging.getLogger("app.access")

REQUESTS = Counter("pifai_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("pifai_http_request_seconds", "HTTP request latency", ["method", "route"])
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
# the labelled children, looked up once per (method, route[, status]) instead of per request
_counters: dict[tuple[str, str, str], Counter] = {}
_histograms: dict[tuple[str, str], Histogram] = {}


def _observe(method: str, route: str, status: int, duration: float) -> None:
    key = (method, route, str(status))
    counter = _counters.get(key)
    if counter is None:
        counter = _counters[key] = REQUESTS.labels(*key)
    counter.inc()
    histogram = _histograms.get(key[:2])
    if histogram is None:
        histogram = _histograms[key[:2]] = LATENCY.labels(method, route)
    histogram.observe(duration)


class RequestContextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
        # accept a caller's id only if it is harmless to echo into logs and headers
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            duration = time.perf_counter() - started
            route = scope.get("route")
            route_path = getattr(route, "path", "unmatched")
            _observe(scope["method"], route_path, status, duration)
            # structlog runs its processors before the stdlib level check: ask the level first
            if _access_level.isEnabledFor(logging.INFO):
                log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    duration_ms=round(duration * 1000, 2),
                )
            structlog.contextvars.unbind_contextvars("request_id")
