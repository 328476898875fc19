"""Safety engine, table-driven (spec 06 §1-§4 and the §9 red-team cases)."""

import math
from typing import Any

import pytest

from app.engines.safety import (
    Analogue,
    Anchor,
    LineInput,
    NoaelCandidate,
    ProductDecision,
    QualitativeConclusion,
    RegulatoryStatus,
    assess_formula,
    assess_line,
    exposure_for,
)
from app.models.enums import Verdict
from app.schemas.product_description import ProductDescription

BODY = ProductDescription.model_validate({"form": "leave_on", "areas": ["body"]})
E = exposure_for(BODY)  # 123.20 mg/kg bw/day
EPA = "EPA ToxValDB DTXSID-fixture (fixture study)"


def _noael(value: float, **kw: object) -> NoaelCandidate:
    return NoaelCandidate(value=value, source=kw.pop("source", EPA), **kw)  # type: ignore[arg-type]


def _line(inci: str = "Fixture", **kw: Any) -> LineInput:
    return LineInput(line_id=kw.pop("line_id", inci), inci=inci, **kw)


def test_sed_and_mos_with_provenance() -> None:
    v = assess_line(_line(concentration_pct=1.0, noael_candidates=(_noael(80),)), E)
    assert v.sed == pytest.approx(123.20 * 0.01 * 0.5)
    assert v.mos == pytest.approx(80 / (123.20 * 0.01 * 0.5))
    assert v.verdict is Verdict.ACCEPTABLE and v.tier == "0"
    assert v.basis_label == f"NOAEL 80 mg/kg bw/day ({EPA})"
    assert v.noael is not None and v.noael.source == EPA
    assert "SCCS/1647/22" in v.exposure.source and v.dap_source


def test_insufficient_margin() -> None:
    v = assess_line(_line(concentration_pct=50.0, noael_candidates=(_noael(10),)), E)
    assert v.verdict is Verdict.INSUFFICIENT_MARGIN and v.primary_reason == "insufficient_margin"


def test_estradiol_prohibited_despite_huge_mos() -> None:
    line = _line(
        "Estradiol",
        cas="50-28-2",
        concentration_pct=0.0001,
        noael_candidates=(_noael(5000),),
        regulatory=RegulatoryStatus(prohibited_reference="EU Annex II/fixture"),
    )
    v = assess_line(line, E)
    assert v.verdict is Verdict.PROHIBITED
    assert v.basis_label == "Statutorily prohibited — NOAEL not required (EU Annex II/fixture)"
    assert "TTC" not in v.basis_label


@pytest.mark.parametrize(
    ("inci", "cas"),
    [
        ("Mercuric chloride", "7487-94-7"),
        ("Unknown salt", "7487-94-7"),
        ("氯化汞", None),
        ("Arsenic trioxide", None),
        ("Cadmium sulfide", None),
        ("硫化鎘", None),
    ],
)
def test_heavy_metal_gate(inci: str, cas: str | None) -> None:
    v = assess_line(_line(inci, cas=cas, concentration_pct=0.00001), E)
    assert v.verdict is Verdict.PROHIBITED and "NOAEL not required" in v.basis_label


def test_cmr_not_permitted_is_prohibited_permitted_is_review() -> None:
    cmr = _line(
        "CMR", concentration_pct=0.1, hazard_codes=("H350",), noael_candidates=(_noael(50),)
    )
    assert assess_line(cmr, E).verdict is Verdict.PROHIBITED
    colorant = _line(
        "Titanium dioxide",
        concentration_pct=5,
        hazard_codes=("H351",),
        regulatory=RegulatoryStatus(on_permitted_list=True),
        qualitative=(QualitativeConclusion("CIR", "safe as used", False, "fixture"),),
    )
    v = assess_line(colorant, E)
    assert v.verdict is Verdict.REVIEW and v.primary_reason == "carcinogenic_classification"


def test_non_compliant_comes_from_regulatory_check() -> None:
    line = _line(
        "Titanium dioxide",
        concentration_pct=30,
        regulatory=RegulatoryStatus(
            non_compliant=("30 % exceeds the 25 % limit of TW colorant/1",)
        ),
    )
    v = assess_line(line, E)
    assert v.verdict is Verdict.NON_COMPLIANT and "25 % limit" in v.basis_label


def test_gate_order_prohibited_beats_non_compliant_and_nano() -> None:
    reg = RegulatoryStatus(prohibited_reference="TW prohibited/9", non_compliant=("over",))
    v = assess_line(_line(concentration_pct=1, is_nano=True, regulatory=reg), E)
    assert v.verdict is Verdict.PROHIBITED


@pytest.mark.parametrize(
    ("kw", "reason"),
    [({"is_nano": True}, "nanomaterial"), ({"hazard_codes": ("H314",)}, "corrosive_irritant")],
)
def test_review_high_gates(kw: dict[str, Any], reason: str) -> None:
    v = assess_line(_line(concentration_pct=1, noael_candidates=(_noael(1000),), **kw), E)
    assert v.verdict is Verdict.REVIEW and v.primary_reason == reason
    assert v.review_points[0].severity == "high"


def test_fixed_oil_dap_gives_exactly_ten_times_mos() -> None:
    oil = _line(
        "Helianthus Annuus (Sunflower) Seed Oil",
        concentration_pct=20,
        noael_candidates=(_noael(100),),
    )
    other = _line("Not an oil", concentration_pct=20, noael_candidates=(_noael(100),))
    v_oil, v_other = assess_line(oil, E), assess_line(other, E)
    assert (v_oil.dap_pct, v_other.dap_pct) == (5.0, 50.0)
    assert v_oil.mos is not None and v_other.mos is not None
    assert v_oil.mos == pytest.approx(10 * v_other.mos, rel=1e-12)
    assert "CIR" in v_oil.dap_source


@pytest.mark.parametrize(
    ("inci", "mw"),
    [
        ("Lavandula Angustifolia (Lavender) Oil", None),  # essential oil
        ("Isopropyl Myristate", None),  # ester
        ("Simmondsia Chinensis (Jojoba) Seed Oil", None),  # wax ester
        ("Chamomilla Recutita Flower Extract", None),  # extract
        ("Sodium Laureth Sulfate", None),  # surfactant
        ("Helianthus Annuus (Sunflower) Seed Oil", 282.5),  # listed but < 500 Da
    ],
)
def test_dap_stays_50(inci: str, mw: float | None) -> None:
    assert assess_line(_line(inci, concentration_pct=1, molecular_weight=mw), E).dap_pct == 50.0


def test_essential_oil_absurd_concentration_stays_blocked() -> None:
    line = _line(
        "Lavandula Angustifolia (Lavender) Oil",
        concentration_pct=80,
        noael_candidates=(_noael(60),),
    )
    v = assess_line(line, E)
    assert v.mos is not None and v.mos < 100
    assert v.verdict is Verdict.INSUFFICIENT_MARGIN


def test_epa_flag_is_review() -> None:
    v = assess_line(
        _line(concentration_pct=0.1, noael_candidates=(_noael(500, epa_verdict="flag"),)), E
    )
    assert v.verdict is Verdict.REVIEW and "epa_flag_verdict" in {p.code for p in v.review_points}


def test_ai_noael_above_ceiling_discarded() -> None:
    line = _line(concentration_pct=0.1, noael_candidates=(_noael(2500, origin="ai", source="LLM"),))
    v = assess_line(line, E)
    assert v.noael is None and v.verdict is not Verdict.ACCEPTABLE
    assert any("2000 plausibility ceiling" in d for d in v.discarded)


def test_ai_noael_below_ceiling_is_review_only() -> None:
    line = _line(concentration_pct=0.1, noael_candidates=(_noael(500, origin="ai", source="LLM"),))
    v = assess_line(line, E)
    assert v.verdict is Verdict.REVIEW and v.primary_reason == "ai_estimate_unverified"


def test_epa_ceiling_10000() -> None:
    ok = assess_line(_line(concentration_pct=0.1, noael_candidates=(_noael(9000),)), E)
    bad = assess_line(_line(concentration_pct=0.1, noael_candidates=(_noael(12000),)), E)
    assert ok.noael is not None and bad.noael is None


# methyl salicylate vs methyl benzoate: Tanimoto 0.5185; ethyl salicylate vs salicylic acid: 0.4828
ANCHORS = (
    Anchor(
        cas="93-58-3",
        name="fixture methyl benzoate",
        noael=100,
        source="fixture",
        citation="fixture citation A",
        smiles="COC(=O)c1ccccc1",
    ),
    Anchor(
        cas="69-72-7",
        name="fixture salicylic acid",
        noael=100,
        source="fixture",
        citation="fixture citation B",
        smiles="OC(=O)c1ccccc1O",
    ),
)


def test_tanimoto_above_threshold_used() -> None:
    line = _line("target", concentration_pct=0.01, smiles="COC(=O)c1ccccc1O")
    v = assess_line(line, E, ANCHORS[:1])
    assert v.tier == "1.5" and v.noael is not None and v.noael.value == pytest.approx(10.0)
    assert "Tanimoto 0.52" in v.basis_label and "AF 10" in v.basis_label
    assert v.verdict is Verdict.REVIEW and "read_across_analogue_to_confirm" in {
        p.code for p in v.review_points
    }


def test_tanimoto_below_threshold_not_used() -> None:
    line = _line("target", concentration_pct=0.01, smiles="CCOC(=O)c1ccccc1O")
    v = assess_line(line, E, ANCHORS[1:])
    assert v.tier != "1.5" and v.noael is None


def test_similarity_parameters_are_the_registry_ones() -> None:
    from app.engines.safety.similarity import fingerprint, tanimoto

    fp = fingerprint("COC(=O)c1ccccc1O")
    assert fp is not None and fp.GetNumBits() == 2048
    assert tanimoto("COC(=O)c1ccccc1O", "COC(=O)c1ccccc1") == pytest.approx(0.5185, abs=1e-4)
    assert tanimoto("CCOC(=O)c1ccccc1O", "OC(=O)c1ccccc1O") == pytest.approx(0.4828, abs=1e-4)
    assert tanimoto("not a smiles", "CCO") is None


def test_curated_read_across_and_regrounded() -> None:
    anchor = Anchor(cas="1-11-1", name="analogue", noael=300, source="fixture", citation="c")
    v = assess_line(
        _line(cas="2-22-2", concentration_pct=0.1), E, (), (Analogue("2-22-2", anchor, "fixture"),)
    )
    assert v.tier == "1" and v.noael is not None and v.noael.value == 30 and v.noael.af == 10
    regrounded = Anchor(
        cas="2-22-2", name="x", noael=40, source="EPA ToxValDB", citation="c", tier="regrounded"
    )
    v2 = assess_line(_line(cas="2-22-2", concentration_pct=0.1), E, (regrounded,))
    assert v2.tier == "0.5" and v2.verdict is Verdict.ACCEPTABLE
    assert v2.basis_label.startswith("Re-grounded NOAEL (EPA ToxValDB, CAS 2-22-2)")


def test_qualitative() -> None:
    safe = QualitativeConclusion("CIR", "safe as used", False, "CIR 2017")
    cond = QualitativeConclusion("CIR", "safe when formulated to be non-irritating", True, "CIR")
    assert (
        assess_line(_line(concentration_pct=1, qualitative=(safe,)), E).verdict
        is Verdict.ACCEPTABLE
    )
    v = assess_line(_line(concentration_pct=1, qualitative=(cond,)), E)
    assert v.verdict is Verdict.REVIEW and v.primary_reason == "qualitative_conditional"


@pytest.mark.parametrize(
    ("kw", "conc", "verdict", "label"),
    [
        ({"cramer_class": "I"}, 0.0001, Verdict.ACCEPTABLE, "TTC screening (Cramer class I"),
        ({}, 0.0001, Verdict.ACCEPTABLE, "TTC screening (Cramer class III"),
        ({"cramer_class": "maybe"}, 0.01, Verdict.DATA_GAP, "Data gap"),
        ({"genotoxic_alert": True}, 0.0001, Verdict.DATA_GAP, "Data gap"),
        ({"ttc_excluded_class": "steroid"}, 0.0001, Verdict.DATA_GAP, "Data gap"),
    ],
)
def test_ttc(kw: dict[str, Any], conc: float, verdict: Verdict, label: str) -> None:
    # 0.0001 % -> SED 6.16e-5 mg/kg bw/day -> 3.7 µg/person/day; 0.01 % -> 370 > 90
    v = assess_line(_line(concentration_pct=conc, **kw), E)
    assert v.verdict is verdict and v.basis_label.startswith(label)


def test_concentration_unknown_is_review() -> None:
    v = assess_line(_line(concentration_pct=None, noael_candidates=(_noael(80),)), E)
    assert v.verdict is Verdict.REVIEW and v.mos is None
    assert v.primary_reason == "concentration_unknown" and v.basis_label


@pytest.mark.parametrize("conc", [-1.0, math.nan, math.inf, 1e9, 100.5])
def test_pathological_concentrations(conc: float) -> None:
    v = assess_line(_line(concentration_pct=conc), E)
    assert v.concentration_pct is None and v.verdict is Verdict.REVIEW and v.basis_label


def test_formula_decision_and_pathological_lines() -> None:
    lines = (
        [_line("", line_id=str(i)) for i in range(3)]
        + [
            _line("%%%@@@", concentration_pct=1),
            _line("dup", cas="0000-00-0", concentration_pct=1),
            _line("dup", cas="0000-00-0", concentration_pct=1),
        ]
        + [_line(f"l{i}", concentration_pct=0.01) for i in range(1200)]
    )
    result = assess_formula(None, lines)
    assert len(result.lines) == len(lines) and all(v.basis_label for v in result.lines)
    assert all("not found" not in v.basis_label.lower() for v in result.lines)
    assert all(
        v.review_points for v in result.lines if v.verdict in (Verdict.REVIEW, Verdict.DATA_GAP)
    )
    assert result.decision is ProductDecision.SA_MUST_RESOLVE
    assert result.exposure.fallback


def test_decision_precedence() -> None:
    ok = _line("ok", concentration_pct=0.1, noael_candidates=(_noael(1000),))
    banned = _line("Mercury", concentration_pct=0.1)
    assert assess_formula(BODY, [ok]).decision is ProductDecision.SA_SIGNS
    assert assess_formula(BODY, [ok, banned]).decision is ProductDecision.FORMULA_REVISION_REQUIRED
    assert assess_formula(BODY, []).decision is ProductDecision.SA_MUST_RESOLVE


def test_all_sources_down_says_why() -> None:
    line = _line(concentration_pct=1, sources_unavailable=("comptox", "echa", "pubchem"))
    v = assess_line(line, E)
    assert v.verdict is Verdict.DATA_GAP
    text = " ".join(p.message for p in v.review_points)
    assert "temporarily unavailable" in text.lower()
