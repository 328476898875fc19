"""Provider factory: local without a key, Anthropic with one (optionally with local fallback)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import structlog

from app.ai.providers.anthropic_provider import DEFAULT_MAX_ITERATIONS, AnthropicProvider
from app.ai.providers.base import (
    AIProvider,
    NormalizedName,
    ProviderOutputError,
    ProviderResult,
)
from app.ai.providers.local import LocalProvider
from app.ai.providers.pricing import DEFAULT_PRICES, ModelPrice
from app.ai.providers.tiers import DEFAULT_COMPLEX_MODEL, DEFAULT_LIGHT_MODEL, ModelRouter
from app.ai.providers.tools import ToolBox
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.models import FormulaExtractionResult
from app.engines.formula.ocr import OcrLimits
from app.engines.formula.starter import starter_dictionary
from app.engines.toxicology.summary import ToxicologySummary
from app.integrations.toxicology import SourceResult

if TYPE_CHECKING:
    import httpx2

log = structlog.get_logger(__name__)


class FallbackProvider:
    """Tries ``primary``; on ProviderOutputError answers with ``fallback`` (usage is kept)."""

    def __init__(self, primary: AIProvider, fallback: AIProvider) -> None:
        """Wrap two providers; the name reports the primary."""
        self.primary = primary
        self.fallback = fallback
        self.name = primary.name

    def _fell_back(self, op: str, exc: ProviderOutputError) -> None:
        log.warning("ai.fallback", operation=op, provider=self.primary.name, reason=exc.reason)

    async def extract_formulation(
        self, file_bytes: bytes, filename: str, content_type: str = ""
    ) -> ProviderResult[FormulaExtractionResult]:
        """Primary extraction, else the fallback's."""
        try:
            return await self.primary.extract_formulation(file_bytes, filename, content_type)
        except ProviderOutputError as exc:
            self._fell_back("extract_formulation", exc)
            result = await self.fallback.extract_formulation(file_bytes, filename, content_type)
            return ProviderResult(result.value, [*exc.usage, *result.usage], result.provider)

    async def normalize_inci(self, raw: str) -> ProviderResult[NormalizedName]:
        """Primary normalisation, else the fallback's."""
        try:
            return await self.primary.normalize_inci(raw)
        except ProviderOutputError as exc:
            self._fell_back("normalize_inci", exc)
            result = await self.fallback.normalize_inci(raw)
            return ProviderResult(result.value, [*exc.usage, *result.usage], result.provider)

    async def summarize_toxicology(
        self,
        ingredient: str,
        cas: str | None,
        results: list[SourceResult],
        regulatory: dict[str, Any],
    ) -> ProviderResult[ToxicologySummary]:
        """Primary synthesis, else the fallback's."""
        try:
            return await self.primary.summarize_toxicology(ingredient, cas, results, regulatory)
        except ProviderOutputError as exc:
            self._fell_back("summarize_toxicology", exc)
            result = await self.fallback.summarize_toxicology(ingredient, cas, results, regulatory)
            return ProviderResult(result.value, [*exc.usage, *result.usage], result.provider)


def build_provider(
    api_key: str | None,
    *,
    tools: ToolBox | None = None,
    dictionary: IngredientDictionary | None = None,
    complex_model: str = DEFAULT_COMPLEX_MODEL,
    light_model: str = DEFAULT_LIGHT_MODEL,
    max_iterations: int = DEFAULT_MAX_ITERATIONS,
    prices: Mapping[str, ModelPrice] = DEFAULT_PRICES,
    http_client: httpx2.AsyncClient | None = None,
    base_url: str | None = None,
    fallback: bool = False,
    ocr: OcrLimits | None = None,
) -> AIProvider:
    """LocalProvider without a key; AnthropicProvider with one (wrapped if ``fallback``)."""
    dictionary = dictionary if dictionary is not None else starter_dictionary()
    local = LocalProvider(dictionary, ocr)
    if not api_key or not api_key.strip():
        return local
    remote = AnthropicProvider(
        api_key.strip(),
        tools=tools,
        dictionary=dictionary,
        router=ModelRouter(complex_model=complex_model, light_model=light_model),
        max_iterations=max_iterations,
        prices=prices,
        http_client=http_client,
        base_url=base_url,
    )
    return FallbackProvider(remote, local) if fallback else remote
