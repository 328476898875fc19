"""Cross-tenant probe: call every id-taking route as org B with org A's ids; expect 404.

Routes are discovered from the OpenAPI document, so a new route is covered the moment it exists.
A route whose path parameter has no known value fails the probe until one is registered here.
"""

import re
import uuid
from typing import Any

from httpx import AsyncClient

# Routes only platform staff may call: a tenant gets 403 before any lookup happens.
STAFF_ONLY = re.compile(r"^/api/v1/(admin|chemical-sync)/")
# The SA desk: a non-SA outsider gets 403 before any lookup (other-org SAs: test_review.py)
SA_ONLY = re.compile(r"^/api/v1/sa/")
_PARAM = re.compile(r"{([^}]+)}")
# Shared reference data (public substance records) is readable by every tenant on purpose.
SHARED_PARAMS = frozenset({"ingredient_id"})
# Bodies whose schema has no required field but needs one in practice.
BODY_EXAMPLES: dict[str, dict[str, Any]] = {"AnalyzeRequest": {"item_number": 3}}


def _resolve(ref: str, spec: dict[str, Any]) -> dict[str, Any]:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return dict(node)


def example(schema: dict[str, Any], spec: dict[str, Any], depth: int = 0) -> Any:
    """A small valid instance of a JSON schema (enough to get past request validation)."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in BODY_EXAMPLES:
            return BODY_EXAMPLES[name]
        return example(_resolve(schema["$ref"], spec), spec, depth)
    if "example" in schema:
        return schema["example"]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return example(options[0], spec, depth)
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {name: example(props[name], spec, depth + 1) for name in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return float(schema.get("minimum", 1))
    if kind == "boolean":
        return False
    fmt = schema.get("format")
    if fmt == "uuid":
        return str(uuid.uuid4())
    if fmt == "date":
        return "2026-01-01"
    if fmt == "date-time":
        return "2026-01-01T00:00:00Z"
    if fmt == "email":
        return "probe@example.com"
    return "x" * max(int(schema.get("minLength", 1)), 1)


def id_routes(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) for every operation with a uuid path parameter."""
    found = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            params = [p for p in operation.get("parameters", []) if p["in"] == "path"]
            if any(p["name"] in SHARED_PARAMS for p in params):
                continue
            if any(p["schema"].get("format") == "uuid" for p in params):
                found.append((method.upper(), path, operation))
    return found


async def probe(
    client: AsyncClient, spec: dict[str, Any], values: dict[str, str], headers: dict[str, str]
) -> list[str]:
    """Return a description of every route that did not answer as isolation requires."""
    problems = []
    for method, path, operation in id_routes(spec):
        missing = [name for name in _PARAM.findall(path) if name not in values]
        if missing:
            problems.append(f"{method} {path}: no probe value for {missing} (add it)")
            continue
        url = _PARAM.sub(lambda m: values[m.group(1)], path)
        kwargs: dict[str, Any] = {}
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            kwargs["json"] = example(content["application/json"]["schema"], spec)
        elif "multipart/form-data" in content:
            form = example(content["multipart/form-data"]["schema"], spec)
            kwargs["data"] = {k: str(v) for k, v in form.items() if k != "file"}
            kwargs["files"] = {"file": ("probe.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")}
        response = await client.request(method, url, headers=headers, **kwargs)
        expected = 403 if STAFF_ONLY.match(path) or SA_ONLY.match(path) else 404
        if response.status_code != expected:
            problems.append(f"{method} {path}: {response.status_code} (expected {expected})")
    return problems
