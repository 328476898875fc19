"""The `ToxSource` protocol; the records it exchanges are plain data in `app.engines.toxicology`."""

from typing import Protocol

from app.engines.toxicology.records import (
    CAS_PATTERN,
    NO_DATA_NOTE,
    CoverageEntry,
    Endpoint,
    SourceResult,
    SourceStatus,
    SubstanceRef,
)

__all__ = [
    "CAS_PATTERN",
    "NO_DATA_NOTE",
    "CoverageEntry",
    "Endpoint",
    "SourceResult",
    "SourceStatus",
    "SubstanceRef",
    "ToxSource",
]


class ToxSource(Protocol):
    name: str

    async def fetch(self, ref: SubstanceRef) -> SourceResult:
        """Look the substance up; never raises, failures come back as `unavailable`."""
        ...
