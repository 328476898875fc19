"""The shared per-(ingredient, source) cache: 30-day TTL, only real answers are ever stored."""

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.integrations.toxicology import SourceResult, SourceStatus
from app.models import ToxicologyCache
from app.models.enums import RiskLevel

_HIGH = ("H340", "H341", "H350", "H351", "H360", "H361", "H362", "H370", "H372")
_MEDIUM = ("H30", "H31", "H33", "H314", "H315", "H317", "H318", "H319", "H334", "H335", "H371")


@dataclass(frozen=True)
class CachedResult:
    result: SourceResult
    fetched_at: datetime
    expires_at: datetime

    def is_fresh(self, now: datetime) -> bool:
        return self.expires_at > now


def risk_of(result: SourceResult) -> RiskLevel:
    """From GHS hazard codes: CMR/STOT-RE → high; acute/irritation/sensitisation → medium."""
    if result.status is not SourceStatus.OK:
        return RiskLevel.UNKNOWN
    codes = result.hazard_codes
    if any(code.startswith(_HIGH) for code in codes):
        return RiskLevel.HIGH
    if any(code.startswith(_MEDIUM) for code in codes):
        return RiskLevel.MEDIUM
    return RiskLevel.LOW if codes else RiskLevel.UNKNOWN


async def load_many(
    session: AsyncSession, ingredient_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, dict[str, CachedResult]]:
    """Every cached answer of these ingredients, in one query."""
    ids = list(set(ingredient_ids))
    found: dict[uuid.UUID, dict[str, CachedResult]] = {i: {} for i in ids}
    if not ids:
        return found
    rows = await session.execute(
        select(ToxicologyCache).where(ToxicologyCache.ingredient_id.in_(ids))
    )
    for row in rows.scalars():
        result = SourceResult.model_validate(row.data_json)
        found[row.ingredient_id][row.source] = CachedResult(result, row.fetched_at, row.expires_at)
    return found


async def store(
    session: AsyncSession,
    ingredient_id: uuid.UUID,
    results: Sequence[SourceResult],
    *,
    now: datetime,
    ttl: timedelta,
) -> int:
    """Upsert answers (ok / no_data); an unavailable source is never written (next call retries)."""
    stored = 0
    for result in results:
        if result.status is SourceStatus.UNAVAILABLE:
            continue
        values = {
            "ingredient_id": ingredient_id,
            "source": result.source,
            "data_json": result.model_dump(mode="json"),
            "risk_level": risk_of(result).value,
            "fetched_at": now,
            "expires_at": now + ttl,
        }
        stmt = insert(ToxicologyCache).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["ingredient_id", "source"],
            set_={k: stmt.excluded[k] for k in values if k not in ("ingredient_id", "source")},
        )
        await session.execute(stmt)
        stored += 1
    return stored
