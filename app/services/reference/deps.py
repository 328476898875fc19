"""What the MCP tools need, injected: sessions, the rule index cache, optional remote sources."""

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.engines.formula import IngredientDictionary, starter_dictionary
from app.integrations.toxicology import ToxSource
from app.services.regulatory import CheckerCache, RuleIndexCache, shared_checker

# One call opens one transaction, e.g. `lambda: database.tenant(None)` (the app role, no org:
# tenant rows stay invisible under RLS, the shared reference tables are readable).
SessionFactory = Callable[[], AbstractAsyncContextManager[AsyncSession]]


@dataclass(frozen=True, slots=True)
class ToolDeps:
    """Dependencies of the tool functions; tests build one with fakes."""

    sessions: SessionFactory
    rule_cache: RuleIndexCache = field(default_factory=RuleIndexCache)
    checker_cache: CheckerCache = field(default_factory=shared_checker)
    dictionary: IngredientDictionary | None = None  # None: the shipped starter dictionary
    pubchem: ToxSource | None = None  # None: `pubchem_query` answers "unavailable"
    echa: ToxSource | None = None  # None: harmonised classification "not_configured"

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A read-only transaction: the MCP servers only ever read shared reference data."""
        async with self.sessions() as session:
            await session.execute(text("SET TRANSACTION READ ONLY"))
            yield session

    def ingredient_dictionary(self) -> IngredientDictionary:
        return self.dictionary if self.dictionary is not None else starter_dictionary()
