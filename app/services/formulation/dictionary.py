"""The INCI dictionary the extractor matches against: the ingredient master, cached per process."""

import asyncio
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.versioned_cache import VersionedCache
from app.engines.formula import IngredientDictionary
from app.engines.formula.starter import master_dictionary
from app.models import Ingredient
from app.services.extraction_process import DictionarySource

FETCH_SLICE = 2000

# The master's version (rebuild when it changes) and the rows a dictionary is built from; the
# extraction process (app/services/extraction_process.py) runs the same two queries.
VERSION_QUERY = select(func.count(), func.max(Ingredient.updated_at))
ROWS_QUERY = select(
    Ingredient.inci_name,
    Ingredient.cas_numbers,
    Ingredient.synonyms,
    Ingredient.zh_name,
    Ingredient.functions,
    Ingredient.source,
    Ingredient.source_ref,
)


class DictionaryCache(VersionedCache[IngredientDictionary]):
    """Rebuilt only when the ingredient master changes (row count / last update)."""

    def __init__(self) -> None:
        super().__init__(VERSION_QUERY, _build)


async def _build(session: AsyncSession) -> IngredientDictionary:
    # ~29k rows: fetched in slices (the event loop, which `pifai serve` shares with the API, gets
    # control back between them), then the indexes are built in a thread
    result = await session.stream(ROWS_QUERY.execution_options(yield_per=FETCH_SLICE))
    rows: list[Any] = []
    async for partition in result.partitions():
        rows.extend(partition)
    return await asyncio.to_thread(master_dictionary, rows)


def dictionary_source(settings: Settings) -> DictionarySource:
    """Where the extraction process reads the same dictionary: the app role's DSN, the SQL."""
    dsn = settings.app_url.set(drivername="postgresql").render_as_string(hide_password=False)
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    return DictionarySource(
        dsn,
        str(VERSION_QUERY.compile(dialect=dialect)),
        str(ROWS_QUERY.compile(dialect=dialect)),
    )


# One per process: the worker has no app.state; the cache holds only public reference data.
dictionary_cache = DictionaryCache()
