"""Body limits and text hygiene, enforced before the app reads a request (pure ASGI middleware).

FastAPI parses a body before any dependency runs, so without this an unauthenticated 200 MB JSON is
read whole before its 422, and an upload is consumed before its bearer token is looked at. Here the
declared `Content-Length` is compared with the route's limit first; a chunked body is counted while
it is buffered and refused as soon as it passes the limit. Uploads also need a bearer token with a
valid signature before their body is read (the full caller check still runs in the route).

Text hygiene: NUL and other control characters (except tab, newline, carriage return) in a query
string or a JSON string are refused with 422; PostgreSQL cannot store NUL in text, and no field of
this API has a use for control characters.
"""

import json
import re
from urllib.parse import unquote_to_bytes

import jwt
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.core.config import Settings
from app.core.security import decode_access_token

# file uploads: the PIF upload and the verify endpoint (a dossier ZIP may be large)
_UPLOAD_PATH = re.compile(r"^/api/v1/(?:products/[^/]+/pif/upload|verify)/?$")
_AUTH_PREFIX = "/api/v1/auth/"
_MULTIPART_OVERHEAD = 64 * 1024  # boundaries and the small form fields around the file
_QUERY_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A JSON escape of a control character, not preceded by an escaped backslash.
_JSON_CONTROL = re.compile(rb"(?<!\\)(?:\\\\)*\\(?:u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F]|7[fF])|[bf])")


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def _limit_for(self, path: str) -> int:
        if _UPLOAD_PATH.match(path):
            return self.settings.max_upload_bytes + _MULTIPART_OVERHEAD
        if path.startswith(_AUTH_PREFIX):
            return self.settings.max_auth_body_bytes
        return self.settings.max_json_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _QUERY_CONTROL.search(unquote_to_bytes(scope.get("query_string", b""))):
            await _refuse(scope, send, 422, "validation_error", _CONTROL_MESSAGE)
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = dict(scope["headers"])
        if _UPLOAD_PATH.match(path) and not self._signed_bearer(headers.get(b"authorization")):
            await _refuse(scope, send, 401, "not_authenticated", "A valid bearer token is required")
            return
        limit = self._limit_for(path)
        declared = headers.get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _refuse(scope, send, 400, "bad_request", "Invalid Content-Length")
                return
            if int(declared) > limit:
                await _refuse(scope, send, 413, "payload_too_large", _too_large(limit))
                return
            if not _is_json(headers):
                await self.app(scope, receive, send)
                return
        # JSON (scanned) or no declared length (counted): buffer up to the limit, then replay.
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                await _refuse(scope, send, 413, "payload_too_large", _too_large(limit))
                return
            if not message.get("more_body", False):
                break
        body = b"".join(m.get("body", b"") for m in messages)
        if _is_json(headers) and _JSON_CONTROL.search(body):
            await _refuse(scope, send, 422, "validation_error", _CONTROL_MESSAGE)
            return
        await self.app(scope, _replay(messages, receive), send)

    def _signed_bearer(self, header: bytes | None) -> bool:
        if not header or header[:7].lower() != b"bearer ":
            return False
        try:
            decode_access_token(self.settings, header[7:].decode("latin-1").strip())
        except (jwt.InvalidTokenError, ValueError):
            return False
        return True


_CONTROL_MESSAGE = "Text must not contain NUL or other control characters"


def _is_json(headers: dict[bytes, bytes]) -> bool:
    return b"json" in headers.get(b"content-type", b"").lower()


def _too_large(limit: int) -> str:
    return f"Request body is larger than this route accepts ({limit} bytes)"


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


async def _refuse(scope: Scope, send: Send, status: int, code: str, message: str) -> None:
    request_id = scope.get("state", {}).get("request_id")
    body = json.dumps({"error": {"code": code, "message": message, "request_id": request_id}})
    headers = [(b"content-type", b"application/json"), (b"connection", b"close")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body.encode()})
