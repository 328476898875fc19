"""The AI provider interface shared by the local engine and the Anthropic provider.

Every operation returns a :class:`ProviderResult` holding the validated value and one
:class:`Usage` record per model call (empty for the local provider) so callers can log and
store token counts and cost per task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from app.engines.formula.models import FormulaExtractionResult
from app.engines.toxicology.summary import ToxicologySummary
from app.integrations.toxicology import SourceResult

T = TypeVar("T")
NameMethod = Literal["exact", "synonym", "fuzzy", "none", "llm"]


class Usage(BaseModel):
    """Tokens and cost of one model call; ``cost_usd`` is None when the model has no price."""

    model_config = ConfigDict(frozen=True)

    provider: str
    model: str
    operation: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_creation_tokens: int = 0
    cost_usd: float | None = 0.0


def total_cost(usage: Sequence[Usage]) -> float:
    """Sum of the known costs (calls with an unknown price count as zero)."""
    return round(sum(u.cost_usd or 0.0 for u in usage), 6)


@dataclass(frozen=True)
class ProviderResult(Generic[T]):
    """A validated provider output plus the usage of every model call that produced it."""

    value: T
    usage: list[Usage] = field(default_factory=list)
    provider: str = "local"


class NormalizedName(BaseModel):
    """Canonical INCI name for a raw name, with confidence in [0, 1] and how it was found."""

    model_config = ConfigDict(extra="forbid")

    inci_name: str | None
    confidence: float = Field(ge=0.0, le=1.0)
    method: NameMethod


class ProviderOutputError(Exception):
    """The model's answer is unusable (bad JSON, schema or safety check); callers fall back."""

    def __init__(self, reason: str, usage: Sequence[Usage] = ()) -> None:
        """Keep the reason and the usage already spent, so the cost is still recorded."""
        super().__init__(reason)
        self.reason = reason
        self.usage = list(usage)


class ProviderUnavailableError(ProviderOutputError):
    """The model API could not be used (network, rate limit, auth, server error)."""


@runtime_checkable
class AIProvider(Protocol):
    """What the product asks an AI engine to do; outputs are always schema-validated."""

    name: str

    async def extract_formulation(
        self, file_bytes: bytes, filename: str, content_type: str = ""
    ) -> ProviderResult[FormulaExtractionResult]:
        """Extract the Item 3 ingredient list; raises ExtractionError or ProviderOutputError."""
        ...

    async def normalize_inci(self, raw: str) -> ProviderResult[NormalizedName]:
        """Map a raw ingredient name to its canonical INCI name."""
        ...

    async def summarize_toxicology(
        self,
        ingredient: str,
        cas: str | None,
        results: list[SourceResult],
        regulatory: dict[str, Any],
    ) -> ProviderResult[ToxicologySummary]:
        """Synthesise the cited toxicology summary of one ingredient."""
        ...
