"""Deterministic local provider: parsers, dictionary and rules; no key, no network, no cost."""

from __future__ import annotations

import asyncio
from typing import Any

from app.ai.providers.base import NormalizedName, ProviderResult
from app.ai.providers.finalize import finalize_extraction
from app.engines.formula.extract import extract_formula
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.models import FormulaExtractionResult
from app.engines.formula.ocr import OcrLimits
from app.engines.formula.resolve import _name_confidence
from app.engines.formula.starter import starter_dictionary
from app.engines.toxicology.summary import ToxicologySummary, local_summary
from app.engines.toxicology.validate import validate_summary
from app.integrations.toxicology import SourceResult


class LocalProvider:
    """The default provider; every feature works offline through it."""

    name = "local"

    def __init__(
        self, dictionary: IngredientDictionary | None = None, ocr: OcrLimits | None = None
    ) -> None:
        """Use ``dictionary`` (the ingredient master) or the shipped starter dictionary."""
        self.dictionary = dictionary if dictionary is not None else starter_dictionary()
        self.ocr = ocr if ocr is not None else OcrLimits()

    async def extract_formulation(
        self, file_bytes: bytes, filename: str, content_type: str = ""
    ) -> ProviderResult[FormulaExtractionResult]:
        """Parse the formula file with the formula engine (OCR for images/scans).

        Raises ExtractionError.
        """

        # Parsing, OCR and resolving every line are CPU-bound (openpyxl, pdfplumber, ONNX, the
        # dictionary match): all off the event loop (in `pifai serve` the API shares it).
        def parse() -> FormulaExtractionResult:
            result = extract_formula(file_bytes, filename, self.dictionary, content_type, self.ocr)
            return finalize_extraction(result, self.dictionary)

        return ProviderResult(await asyncio.to_thread(parse), [], self.name)

    async def normalize_inci(self, raw: str) -> ProviderResult[NormalizedName]:
        """Dictionary match (synonym, exact, fuzzy) with the formula engine's confidence."""
        match = self.dictionary.match(raw)
        confidence = 0.0 if match.method == "none" else _name_confidence(match)
        value = NormalizedName(
            inci_name=match.inci_name, confidence=confidence, method=match.method
        )
        return ProviderResult(value, [], self.name)

    async def summarize_toxicology(
        self,
        ingredient: str,
        cas: str | None,
        results: list[SourceResult],
        regulatory: dict[str, Any],
    ) -> ProviderResult[ToxicologySummary]:
        """Local engine summary, checked by the same validator as model output."""
        entry = self.dictionary.match(ingredient)
        inci = entry.inci_name if entry.method in ("exact", "synonym") else None
        summary = local_summary(ingredient, cas, results, regulatory, inci=inci)
        validate_summary(summary, results, [regulatory])
        return ProviderResult(summary, [], self.name)
