"""A file past Item 3's line cap is refused before its lines are matched, with the same answer."""

from typing import Any

import pytest

from app.ai.providers.finalize import finalize_extraction
from app.engines.formula import IngredientDictionary, extract_formula, starter_dictionary
from app.engines.formula.draft import draft_of
from app.engines.formula.ocr import OcrLimits
from app.services.extraction_process import Outcome, extract_outcome
from app.services.formulation.limits import ITEM3_MAX_LINES, MAX_ROWS, too_many_lines

NAMES = ["GLYCERIN", "BUTYLENE GLYCOL", "PHENOXYETHANOL", "TOCOPHEROL", "NIACINAMIDE", "PANTHENOL"]


def _formula(rows: int, *, mixture: bool = False) -> bytes:
    """`rows` lines adding up to 100 %, names the dictionary must match fuzzily."""
    share = 100.0 / rows
    lines = ["INCI Name,CAS No.,% w/w,Function"]
    for i in range(rows):
        lines.append(f"{NAMES[i % len(NAMES)]} {i // len(NAMES)},,{share:.6f},humectant")
    if mixture:  # a blend: its parts could merge with other lines, so the count waits
        lines[1] = f'"Phenoxyethanol (and) Ethylhexylglycerin",,{share:.6f},preservative'
    return ("\n".join(lines) + "\n").encode()


def _whole_run(data: bytes, dictionary: IngredientDictionary) -> Outcome:
    """The extraction as it was before the early stop: everything, then the count."""
    result = finalize_extraction(extract_formula(data, "f.csv", dictionary, "text/csv"), dictionary)
    if len(result.ingredients) > ITEM3_MAX_LINES:
        return {"lines": len(result.ingredients)}
    draft = draft_of(result)
    return {"draft": draft, "confidence": result.confidence, "total_pct": result.total_pct}


def _outcome(data: bytes, dictionary: IngredientDictionary) -> Outcome:
    return extract_outcome(data, "f.csv", "text/csv", dictionary, OcrLimits(), ITEM3_MAX_LINES)


@pytest.fixture
def match_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names the starter dictionary is asked to match (the costly step: ~ms per unknown name)."""
    dictionary = starter_dictionary()
    calls: list[str] = []
    original = dictionary.match

    def counted(raw: str) -> Any:
        calls.append(raw)
        return original(raw)

    monkeypatch.setattr(dictionary, "match", counted)
    return calls


def test_a_2000_line_file_is_refused_with_its_count_before_any_line_is_matched(
    match_calls: list[str],
) -> None:
    data = _formula(2_000)
    assert MAX_ROWS > 2_000  # the upload caps let it through: the line cap refuses it

    outcome = _outcome(data, starter_dictionary())

    assert outcome == {"lines": 2_000}
    assert len(match_calls) <= ITEM3_MAX_LINES + 1  # the whole run matched all 2,000 names
    match_calls.clear()
    assert _whole_run(data, starter_dictionary()) == outcome  # the answer it had before
    assert len(match_calls) >= 2_000
    assert too_many_lines(2_000) == (
        "The file yields 2,000 ingredient lines; Item 3 accepts at most 1,000"
    )


def test_a_file_whose_count_may_still_shrink_is_refused_after_the_whole_run() -> None:
    data = _formula(1_200, mixture=True)  # blend parts may merge: no early count
    assert _outcome(data, starter_dictionary()) == _whole_run(data, starter_dictionary())
    assert _outcome(data, starter_dictionary()) == {"lines": 1_201}


@pytest.mark.parametrize(("rows", "mixture"), [(ITEM3_MAX_LINES, False), (40, True), (12, False)])
def test_files_within_the_cap_give_the_same_draft(rows: int, mixture: bool) -> None:
    data = _formula(rows, mixture=mixture)
    outcome = _outcome(data, starter_dictionary())
    assert "draft" in outcome
    assert outcome == _whole_run(data, starter_dictionary())
