"""Per-ingredient toxicology: cache first, then every missing source at once (fail-soft)."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from app.integrations.toxicology import (
    SourceResult,
    SourceStatus,
    SubstanceRef,
    ToxSource,
    gather_sources,
)
from app.services.toxicology import cache


@dataclass(frozen=True)
class Lookup:
    ref: SubstanceRef
    ingredient_id: uuid.UUID | None  # None: not in the master, fetched live and never cached


@dataclass
class IngredientToxicology:
    lookup: Lookup
    results: list[SourceResult] = field(default_factory=list)
    from_cache: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # served stale; a background refresh is due

    @property
    def unavailable(self) -> list[str]:
        return [r.source for r in self.results if r.status is SourceStatus.UNAVAILABLE]


async def lookup_many(
    session: AsyncSession,
    lookups: Sequence[Lookup],
    sources: Sequence[ToxSource],
    *,
    ttl: timedelta,
    force: bool = False,
    concurrency: int = 8,
    on_done: Callable[[], Awaitable[None]] | None = None,
) -> list[IngredientToxicology]:
    """Ingredients run concurrently; the shared PubChem limiter paces the outbound calls.
    `on_done` is awaited as each ingredient finishes (progress per ingredient).

    Fresh cache hits are used as they are; stale ones are served and reported in `stale`.
    The cache is read in one query; writes share the caller's session, so a lock serialises them.
    """
    gate = asyncio.Semaphore(concurrency)
    db_lock = asyncio.Lock()
    now = datetime.now(UTC)
    known = [item.ingredient_id for item in lookups if item.ingredient_id is not None]
    cached = {} if force else await cache.load_many(session, known)

    async def one(item: Lookup) -> IngredientToxicology:
        async with gate:
            hits = cached.get(item.ingredient_id, {}) if item.ingredient_id else {}
            missing = [s for s in sources if s.name not in hits]
            fetched = (
                {r.source: r for r in await gather_sources(missing, item.ref)} if missing else {}
            )
            if item.ingredient_id is not None and fetched:
                async with db_lock:
                    await cache.store(
                        session, item.ingredient_id, list(fetched.values()), now=now, ttl=ttl
                    )
            out = IngredientToxicology(lookup=item)
            for source in sources:
                hit = hits.get(source.name)
                if hit is None:
                    out.results.append(fetched[source.name])
                    continue
                out.results.append(hit.result)
                out.from_cache.append(source.name)
                if not hit.is_fresh(now):
                    out.stale.append(source.name)
        if on_done is not None:
            await on_done()
        return out

    return list(await asyncio.gather(*(one(item) for item in lookups)))
