"""Regulatory outcomes that are not a block still decide the safety verdict (spec 06 §3)."""

import pytest

from app.engines.safety import (
    Anchor,
    LineInput,
    NoaelCandidate,
    ProductDecision,
    RegulatoryStatus,
    assess_formula,
    assess_line,
    exposure_for,
)
from app.models.enums import Verdict
from app.schemas.product_description import ProductDescription

BODY = ProductDescription.model_validate({"form": "leave_on", "areas": ["body"]})
E = exposure_for(BODY)
GOOD = (NoaelCandidate(value=1000, source="EPA ToxValDB DTXSID-fx (fixture)"),)


def _line(**kw: object) -> LineInput:
    return LineInput(line_id="l", inci="Fixture", concentration_pct=0.1, **kw)  # type: ignore[arg-type]


def test_unidentified_line_is_a_visible_data_gap_even_with_a_number() -> None:
    reg = RegulatoryStatus(unidentified="Unidentified line 'Xyzzy' [issue 12 item 9]")
    v = assess_line(_line(regulatory=reg, noael_candidates=GOOD), E)
    assert v.verdict is Verdict.DATA_GAP and v.primary_reason == "unidentified_ingredient"
    assert v.mos is None and v.noael is None
    assert v.basis_label.startswith("Unidentified ingredient")
    assert assess_formula(BODY, [_line(regulatory=reg)]).decision is (
        ProductDecision.SA_MUST_RESOLVE
    )


def test_regulatory_review_keeps_an_acceptable_margin_open() -> None:
    reg = RegulatoryStatus(review_required=("Condition: rinse off only [fixture]",))
    v = assess_line(_line(regulatory=reg, noael_candidates=GOOD), E)
    assert v.verdict is Verdict.REVIEW and v.primary_reason == "regulatory_review"
    assert v.mos is not None and v.mos > 100  # the number is still shown
    plain = assess_line(_line(noael_candidates=GOOD), E)
    assert plain.verdict is Verdict.ACCEPTABLE  # the same line without the finding


def test_regulatory_review_with_a_low_margin_shows_the_margin() -> None:
    reg = RegulatoryStatus(review_required=("Condition [fixture]",))
    low = (NoaelCandidate(value=1, source="EPA ToxValDB DTXSID-fx (fixture)"),)
    v = assess_line(_line(regulatory=reg, noael_candidates=low), E)
    assert v.verdict is Verdict.INSUFFICIENT_MARGIN
    assert {p.code for p in v.review_points} >= {"insufficient_margin", "regulatory_review"}


def test_unchecked_line_is_not_acceptable() -> None:
    v = assess_line(_line(regulatory=RegulatoryStatus(checked=False), noael_candidates=GOOD), E)
    assert v.verdict is Verdict.REVIEW and v.primary_reason == "regulatory_unchecked"


CURATED = Anchor(
    cas="69-72-7",
    name="Salicylic acid",
    noael=75.0,
    source="SCCS/1601/18",
    citation="SCCS/1601/18 §3.3.6 (fixture copy)",
    smiles="O=C(O)c1ccccc1O",
)


def test_curated_opinion_value_for_the_same_cas_is_tier_0() -> None:
    v = assess_line(_line(cas="69-72-7"), E, (CURATED,))
    assert v.tier == "0" and v.noael is not None and v.noael.value == 75.0
    assert "SCCS/1601/18" in v.basis_label
    assert dict(v.noael.identifiers)["opinion"] == "SCCS/1601/18"
    assert v.mos == pytest.approx(75.0 / (E.value * 0.1 / 100 * 0.5))


def test_lower_cited_value_wins_over_the_curated_one() -> None:
    lower = (NoaelCandidate(value=10, source="EPA ToxValDB DTXSID-fx (fixture)"),)
    v = assess_line(_line(cas="69-72-7", noael_candidates=lower), E, (CURATED,))
    assert v.noael is not None and v.noael.value == 10


def test_dermal_absorption_stated_by_the_opinion_replaces_the_default() -> None:
    from dataclasses import replace

    with_dap = replace(CURATED, dap_pct=20.0)
    v = assess_line(_line(cas="69-72-7"), E, (with_dap,))
    assert v.dap_pct == 20.0 and v.dap_source == CURATED.citation
    default = assess_line(_line(cas="69-72-7"), E, (CURATED,))
    assert default.dap_pct == 50.0


def test_regulatory_review_without_any_number_stays_a_data_gap() -> None:
    reg = RegulatoryStatus(review_required=("Condition [fixture]",))
    v = assess_line(_line(regulatory=reg), E)
    assert v.verdict is Verdict.DATA_GAP and v.primary_reason == "regulatory_review"
