"""The Item 3 AI draft stored for review: an extraction result as plain JSON data."""

from typing import Any

from app.engines.formula.models import FormulaExtractionResult, confidence_band


def draft_of(result: FormulaExtractionResult) -> dict[str, Any]:
    """The item's AI draft: the extraction plus a colour band for every field confidence."""
    draft = result.model_dump(mode="json")
    for line in draft["ingredients"]:
        line["confidence_band"] = {k: confidence_band(v) for k, v in line["confidence"].items()}
    draft["confidence_band"] = confidence_band(result.confidence)
    # The SA reviews the least certain lines first (OCR'd cells, fuzzy names); the lines
    # themselves stay in descending concentration order, as Item 3 lists them.
    draft["review_order"] = [
        line.sort_order
        for line in sorted(
            result.ingredients,
            key=lambda i: min(
                i.confidence.inci_name, i.confidence.cas, i.confidence.concentration_pct
            ),
        )
    ]
    draft["label"] = "AI reference draft: confirm or edit before it becomes the formula"
    return draft
