"""AI drafts of Item 9 (characterisation) and Item 10 (toxicology) from the source results.

Every value is copied from a source result together with its citation; an absent value says
"no data in this source", and an unreachable source says so (never an invented number).
"""

from typing import Any

from app.engines.toxicology import ToxicologySummary
from app.integrations.toxicology import SourceResult, SourceStatus
from app.integrations.toxicology.base import NO_DATA_NOTE
from app.services.toxicology.cache import risk_of
from app.services.toxicology.pipeline import IngredientToxicology

UNAVAILABLE = "[source temporarily unavailable]"


def _source_view(result: SourceResult) -> dict[str, Any]:
    if result.status is SourceStatus.UNAVAILABLE:
        return {"status": "unavailable", "note": UNAVAILABLE}
    if result.status is SourceStatus.NO_DATA:
        return {"status": "no_data", "note": result.note or NO_DATA_NOTE}
    return {
        "status": "ok",
        "citation": result.citation,
        "hazard_codes": result.hazard_codes,
        "endpoints": [e.model_dump(mode="json", exclude_none=True) for e in result.endpoints],
    }


def _characterisation(found: IngredientToxicology) -> dict[str, Any]:
    pubchem = next((r for r in found.results if r.source == "pubchem"), None)
    base = {"inci": found.lookup.ref.inci_name, "cas": found.lookup.ref.cas}
    if pubchem is None or pubchem.status is SourceStatus.UNAVAILABLE:
        return {**base, "properties": None, "note": UNAVAILABLE}
    if pubchem.status is SourceStatus.NO_DATA or not pubchem.properties:
        return {**base, "properties": None, "note": NO_DATA_NOTE}
    return {
        **base,
        "properties": pubchem.properties,
        "identifiers": pubchem.identifiers,
        "citation": pubchem.citation,
    }


def _toxicology(found: IngredientToxicology, summary: ToxicologySummary | None) -> dict[str, Any]:
    risks = [risk_of(r) for r in found.results if r.status is SourceStatus.OK]
    order = ["high", "medium", "low"]
    risk = next((level for level in order if level in risks), "unknown")
    return {
        "inci": found.lookup.ref.inci_name,
        "cas": found.lookup.ref.cas,
        "risk_level": risk,
        "sources": {r.source: _source_view(r) for r in found.results},
        "summary": summary.model_dump(mode="json") if summary else None,
    }


def _confidence(found: list[IngredientToxicology]) -> float:
    """Share of source answers obtained (data or a clear 'no data'); unreachable ones lower it."""
    answers = [r for f in found for r in f.results]
    if not answers:
        return 0.0
    answered = sum(1 for r in answers if r.status is not SourceStatus.UNAVAILABLE)
    return round(answered / len(answers), 3)


def item_draft(
    item_number: int,
    found: list[IngredientToxicology],
    summaries: list[ToxicologySummary] | None = None,
) -> tuple[dict[str, Any], float]:
    if item_number == 9:
        rows = [_characterisation(f) for f in found]
    else:
        paired: list[ToxicologySummary | None] = (
            list(summaries) if summaries else [None] * len(found)
        )
        rows = [_toxicology(f, s) for f, s in zip(found, paired, strict=True)]
    draft = {
        "kind": "characterisation" if item_number == 9 else "toxicology",
        "ingredients": rows,
        "sources_unavailable": sorted({s for f in found for s in f.unavailable}),
        "label": "AI reference draft: every value carries its source; an SA reviews it",
    }
    return draft, _confidence(found)
