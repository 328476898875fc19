"""The comparison baseline: a bare FastAPI + asyncpg app doing the same work as GET /products.

HS256 JWT check, one transaction with `set_config('app.current_org_id', …, true)` (RLS applies:
it logs in as the same app role), the same count and page SQL, a byte-identical JSON body (the
run checks it): the derived description comes from the same pure functions, memoized per
(category, stored description) as the project does; warnings are derived per row.
Run: python -m bench.http.bare_app PORT (env BARE_DSN, BARE_SECRET).
"""

import json
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any

import asyncpg
import jwt
import uvicorn
from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse

from app.schemas.product_description import effective_description, missing_fields
from app.schemas.products import product_warnings

COLUMNS = (
    "id, org_id, name, name_en, category, dosage_form, intended_use, manufacturer_name, "
    "manufacturer_address, registration_id, launch_date, pif_status, pif_completed_at, "
    "rag_kb_id, created_at, updated_at, markets, description::text AS description"
)


def _json(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")  # pydantic's form of UTC
    if value is None or isinstance(value, str | int | float | bool | list):
        return value
    return str(value)


@lru_cache(maxsize=1024)
def _described(category: str, stored: str | None) -> tuple[dict[str, Any], list[str]]:
    merged = effective_description(category, json.loads(stored) if stored else None)
    return merged, missing_fields(merged)


def _item(row: Any) -> dict[str, Any]:
    item = {k: _json(v) for k, v in row.items()}
    item["markets"] = list(row["markets"]) if row["markets"] is not None else ["TW"]
    item["description"], item["description_missing"] = _described(
        row["category"], row["description"]
    )
    item["warnings"] = product_warnings(row["name"], row["name_en"], row["registration_id"])
    return item


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(os.environ["BARE_DSN"], min_size=2, max_size=10)
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/api/v1/products")
async def products(
    request: Request, authorization: str = Header(), limit: int = 20, offset: int = 0
) -> JSONResponse:
    try:
        claims = jwt.decode(authorization[7:], os.environ["BARE_SECRET"], algorithms=["HS256"])
    except jwt.InvalidTokenError as exc:
        raise HTTPException(401) from exc
    org = claims["org_id"]
    async with request.app.state.pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT set_config('app.current_org_id', $1, true)", org)
        total = await conn.fetchval(
            "SELECT count(*) FROM products WHERE org_id = $1 AND deleted_at IS NULL", org
        )
        rows = await conn.fetch(
            f"SELECT {COLUMNS} FROM products WHERE org_id = $1 AND deleted_at IS NULL "
            "ORDER BY created_at DESC LIMIT $2 OFFSET $3",
            org,
            limit,
            offset,
        )
    items = [_item(row) for row in rows]
    return JSONResponse({"items": items, "total": total, "limit": limit, "offset": offset})


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
