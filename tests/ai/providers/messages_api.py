"""An offline Anthropic Messages API: canned replies over httpx2.MockTransport, requests kept."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx2

Reply = dict[str, Any] | Callable[[dict[str, Any]], httpx2.Response]


def text_block(text: str) -> dict[str, Any]:
    """A text content block."""
    return {"type": "text", "text": text}


def tool_use(block_id: str, name: str, data: dict[str, Any]) -> dict[str, Any]:
    """A tool_use content block as the API sends it."""
    return {"type": "tool_use", "id": block_id, "name": name, "input": data}


def message(
    content: list[dict[str, Any]],
    stop_reason: str = "end_turn",
    *,
    model: str = "claude-sonnet-5",
    input_tokens: int = 1200,
    output_tokens: int = 300,
    cache_read: int = 0,
    cache_creation: int = 0,
    msg_id: str = "msg_01XFDUDYJgAACzvnptvVoYEL",
) -> dict[str, Any]:
    """A Messages API response body."""
    return {
        "id": msg_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cache_read_input_tokens": cache_read,
            "cache_creation_input_tokens": cache_creation,
            "service_tier": "standard",
        },
    }


def answer(payload: Any, **kwargs: Any) -> dict[str, Any]:
    """A final message whose text is ``payload`` as JSON (or the string itself)."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return message([text_block(text)], "end_turn", **kwargs)


class FakeMessagesAPI:
    """Serves ``replies`` in order to POST /v1/messages and records every request body."""

    def __init__(self, replies: list[Reply]) -> None:
        self.replies = list(replies)
        self.requests: list[dict[str, Any]] = []
        self.headers: list[httpx2.Headers] = []

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        assert request.method == "POST" and request.url.path == "/v1/messages"
        body = json.loads(request.content)
        self.requests.append(body)
        self.headers.append(request.headers)
        if not self.replies:
            return httpx2.Response(500, json={"type": "error", "error": {"type": "api_error"}})
        reply = self.replies.pop(0)
        if callable(reply):
            return reply(body)
        return httpx2.Response(200, json=reply, headers={"request-id": "req_test"})

    def client(self) -> httpx2.AsyncClient:
        """An httpx2 client (the SDK's HTTP library) over this fake."""
        return httpx2.AsyncClient(transport=httpx2.MockTransport(self.handler))
