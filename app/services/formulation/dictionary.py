"""The INCI dictionary the extractor matches against: the ingredient master, cached per process."""

import asyncio
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.versioned_cache import VersionedCache
from app.engines.formula import IngredientDictionary, IngredientEntry, starter_dictionary
from app.engines.formula.starter import load_synonyms
from app.models import Ingredient

FETCH_SLICE = 2000


class DictionaryCache(VersionedCache[IngredientDictionary]):
    """Rebuilt only when the ingredient master changes (row count / last update)."""

    def __init__(self) -> None:
        super().__init__(select(func.count(), func.max(Ingredient.updated_at)), _build)


async def _build(session: AsyncSession) -> IngredientDictionary:
    # ~29k rows: fetched in slices (the event loop, which `pifai serve` shares with the API, gets
    # control back between them), then the indexes are built in a thread
    result = await session.stream(
        select(
            Ingredient.inci_name,
            Ingredient.cas_numbers,
            Ingredient.synonyms,
            Ingredient.zh_name,
            Ingredient.functions,
            Ingredient.source,
            Ingredient.source_ref,
        ).execution_options(yield_per=FETCH_SLICE)
    )
    rows: list[Any] = []
    async for partition in result.partitions():
        rows.extend(partition)
    return await asyncio.to_thread(_dictionary, rows)


def _dictionary(rows: list[Any]) -> IngredientDictionary:
    entries = [
        IngredientEntry(
            inci_name=name,
            cas_numbers=tuple(cas),
            synonyms=tuple(synonyms),
            zh_name=zh,
            functions=tuple(functions),
            source=source,
            source_ref=source_ref or "",
        )
        for name, cas, synonyms, zh, functions, source, source_ref in rows
    ]
    if not entries:  # an empty master (fresh install without `pifai sync`): ship-in starter
        return starter_dictionary()
    return IngredientDictionary(entries, synonyms=load_synonyms())


# One per process: the worker has no app.state; the cache holds only public reference data.
dictionary_cache = DictionaryCache()
