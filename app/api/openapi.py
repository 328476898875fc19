"""The OpenAPI document states what the shared middleware enforces, so clients and fuzzers agree."""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

# What BodyLimitMiddleware refuses in query and JSON text (tab, newline and CR stay allowed).
NO_CONTROL_CHARS = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$"


def _constrain_text(node: Any) -> None:
    if isinstance(node, dict):
        free_text = node.get("type") == "string" and not (
            {"format", "enum", "pattern", "const"} & node.keys()
        )
        if free_text:
            node["pattern"] = NO_CONTROL_CHARS
        for value in node.values():
            _constrain_text(value)
    elif isinstance(node, list):
        for item in node:
            _constrain_text(item)


def install_openapi(app: FastAPI) -> None:
    """Generate the document once, with the text-hygiene pattern on every free-text string."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                summary=app.summary,
                description=app.description,
                routes=app.routes,
            )
            _constrain_text(document.get("paths"))
            _constrain_text(document.get("components"))
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
