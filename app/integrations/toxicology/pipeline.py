"""Query every toxicology source for one substance at once; one failure never sinks the rest."""

import asyncio
from collections.abc import Sequence

import structlog

from app.integrations.toxicology.base import SourceResult, SubstanceRef, ToxSource

log = structlog.get_logger(__name__)


async def gather_sources(sources: Sequence[ToxSource], ref: SubstanceRef) -> list[SourceResult]:
    """One result per source, in the given order; exceptions become `unavailable` results."""
    outcomes = await asyncio.gather(*(s.fetch(ref) for s in sources), return_exceptions=True)
    results = []
    for source, outcome in zip(sources, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            # fetch() should not raise; this is the backstop for a bug or a cancelled task
            error = f"{type(outcome).__name__}: {outcome}"
            log.warning("toxicology.source_failed", source=source.name, error=error)
            outcome = SourceResult.unavailable(source.name, error)
        results.append(outcome)
    return results
