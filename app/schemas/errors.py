"""The error body every 4xx/5xx uses, for the OpenAPI document."""

from typing import Any

from pydantic import BaseModel


class ErrorDetail(BaseModel):
    code: str
    message: str
    request_id: str | None = None
    details: Any = None


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody} for code in (401, 403, 404, 409, 422)
}

# What any route can answer through the shared handlers, middleware and dependencies; added to
# every route in one place (app.main) so the document cannot drift from the handlers.
_STANDARD = {
    400: "Malformed request (e.g. a broken multipart body)",
    401: "Missing, invalid, expired or revoked credentials",
    403: "Authenticated, but the role or plan does not allow this",
    404: "Not found (or belongs to another organization)",
    409: "Conflicts with the current state",
    413: "Body larger than this route accepts",
    415: "Content type not accepted by this route",
    422: "Validation failed",
    429: "Rate limited; see Retry-After",
    503: "A dependency (database, Redis) is unavailable; retry later",
}
STANDARD_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in _STANDARD.items()
}
