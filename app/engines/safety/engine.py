"""Per-line verdicts and the product decision (spec 06 §1-§4). Pure and deterministic."""

import math
from collections.abc import Sequence
from dataclasses import replace

from app.engines.safety.cascade import Analogue, CascadeOutcome, curated_same_cas, find_noael
from app.engines.safety.cramer import cramer_class
from app.engines.safety.dap import dap_for
from app.engines.safety.exposure import exposure_for
from app.engines.safety.gates import carcinogenic_note, hard_gate, heavy_metal
from app.engines.safety.models import (
    Anchor,
    Description,
    Exposure,
    LineInput,
    LineVerdict,
    NoaelBasis,
    ProductDecision,
    ReviewPoint,
    SafetyResult,
    Tier,
)
from app.engines.safety.registry import (
    BODY_WEIGHT_KG,
    MOS_THRESHOLD,
    TTC_EXCLUDED_CLASSES,
    TTC_GENOTOXIC_UG_PERSON_DAY,
    TTC_UG_PERSON_DAY,
    registry_version,
)
from app.models.enums import Verdict

DATA_GAP_LABEL = "Data gap — SA assessment required"
UNIDENTIFIED_LABEL = "Unidentified ingredient — identity not verified; SA assessment required"
BLOCKING = (Verdict.PROHIBITED, Verdict.NON_COMPLIANT)
OPEN = (Verdict.INSUFFICIENT_MARGIN, Verdict.REVIEW, Verdict.DATA_GAP)


def safe_concentration(value: float | None) -> float | None:
    """NaN, infinite, negative or > 100 % are not a concentration (treated as unknown)."""
    if value is None or isinstance(value, bool):
        return None
    number = float(value)
    return number if math.isfinite(number) and 0 <= number <= 100 else None


def sed_of(exposure: float, concentration_pct: float, dap_pct: float) -> float:
    """SED [mg/kg bw/day] = E × C/100 × DAp/100."""
    return exposure * concentration_pct / 100 * dap_pct / 100


def _ttc(line: LineInput, sed: float | None) -> tuple[Verdict, str, ReviewPoint | None] | None:
    """Tier 3, or None when TTC does not apply (excluded class or no SED)."""
    if sed is None:
        return None
    excluded = line.ttc_excluded_class in TTC_EXCLUDED_CLASSES or heavy_metal(line) is not None
    if excluded or line.is_nano:
        return None
    if line.genotoxic_alert:
        threshold, label = TTC_GENOTOXIC_UG_PERSON_DAY, "genotoxicity alert"
    else:
        cls = line.cramer_class
        if cls is None and (found := cramer_class(line.smiles)) is not None:
            cls = found.cls
        cls = cls if cls in TTC_UG_PERSON_DAY else "III"  # unknown / ambiguous -> III
        threshold, label = TTC_UG_PERSON_DAY[cls], f"Cramer class {cls}"
    intake = sed * 1000 * BODY_WEIGHT_KG  # µg/person/day
    if intake <= threshold:
        return Verdict.ACCEPTABLE, f"TTC screening ({label}, below threshold)", None
    point = ReviewPoint(
        "ttc_exceeded",
        "high",
        f"TTC exceeded: {intake:.4g} µg/person/day > {threshold:g} ({label})",
    )
    return Verdict.DATA_GAP, f"{DATA_GAP_LABEL} (TTC {label} exceeded)", point


def assess_line(
    line: LineInput,
    exposure: Exposure,
    anchors: Sequence[Anchor] = (),
    analogues: Sequence[Analogue] = (),
) -> LineVerdict:
    conc = safe_concentration(line.concentration_pct)
    dap, dap_source = dap_for(line.inci, line.cas, line.molecular_weight)
    stated = [a for a in curated_same_cas(line, anchors) if a.dap_pct is not None]
    if stated:  # the opinion's own dermal absorption for this substance, highest if several
        own = max(stated, key=lambda a: a.dap_pct or 0.0)
        dap, dap_source = float(own.dap_pct or dap), own.citation
    sed = sed_of(exposure.value, conc, dap) if conc is not None else None
    points: list[ReviewPoint] = []
    if exposure.fallback:
        points.append(ReviewPoint("exposure_fallback", "low", exposure.note or ""))
    if line.sources_unavailable:
        points.append(
            ReviewPoint(
                "source_temporarily_unavailable",
                "medium",
                "Temporarily unavailable: " + ", ".join(sorted(line.sources_unavailable)),
            )
        )
    common = LineVerdict(
        line_id=line.line_id,
        inci=line.inci,
        cas=line.cas,
        verdict=Verdict.DATA_GAP,
        tier="data_gap",
        basis_label=DATA_GAP_LABEL,
        concentration_pct=conc,
        exposure=exposure,
        dap_pct=dap,
        dap_source=dap_source,
        sed=sed,
        advisories=line.regulatory.advisories + line.regulatory.disclosures,
        sources_unavailable=line.sources_unavailable,
    )
    gate = hard_gate(line)
    if gate is not None and gate.verdict in BLOCKING:
        return replace(
            common,
            verdict=gate.verdict,
            tier="gate",
            basis_label=gate.label,
            review_points=tuple(points),
        )
    reg = line.regulatory
    if reg.unidentified is not None:  # nothing about an unverified identity can be assessed
        points.insert(0, ReviewPoint("unidentified_ingredient", "high", reg.unidentified))
        label = UNIDENTIFIED_LABEL
        if line.sources_unavailable:
            label += "; sources temporarily unavailable: " + ", ".join(line.sources_unavailable)
        return replace(common, tier="data_gap", basis_label=label, review_points=tuple(points))
    if not reg.checked:
        points.insert(
            0,
            ReviewPoint(
                "regulatory_unchecked",
                "high",
                "No regulatory list was loaded: the line's legal status is not verified",
            ),
        )
    for message in reversed(reg.review_required):
        points.insert(0, ReviewPoint("regulatory_review", "high", message))
    outcome = find_noael(line, anchors, analogues)
    basis: NoaelBasis | None = outcome.basis
    mos = basis.value / sed if basis is not None and sed else None
    if gate is not None:  # nano / corrosive: review (high) whatever the MoS
        assert gate.review_point is not None
        points.insert(0, gate.review_point)
        return _verdict(Verdict.REVIEW, "gate", gate.label, basis, mos, points, outcome, common)
    if reg.review_required or not reg.checked:  # the check itself asks for the SA
        return _regulatory_review(line, conc, basis, sed, points, outcome, common)
    if (cmr := carcinogenic_note(line)) is not None:
        points.insert(0, cmr)
    if conc is None:
        points.insert(
            0, ReviewPoint("concentration_unknown", "high", "Concentration unknown: no MoS")
        )
        label = basis.method if basis else "Concentration unknown — no MoS; SA assessment required"
        return _verdict(
            Verdict.REVIEW,
            basis.tier if basis else "data_gap",
            label,
            basis,
            None,
            points,
            outcome,
            common,
        )
    if basis is not None:
        assert mos is not None or sed == 0
        margin_ok = mos is None or mos >= MOS_THRESHOLD  # sed 0 (0 %): no exposure
        flagged = [p for p in outcome.points if p.code != "read_across_analogue_to_confirm"]
        points[0:0] = outcome.points
        if not margin_ok:
            points.insert(
                0, ReviewPoint("insufficient_margin", "high", f"MoS {mos:.4g} < {MOS_THRESHOLD:g}")
            )
            verdict = Verdict.INSUFFICIENT_MARGIN
        elif flagged or basis.tier in ("1", "1.5") or cmr is not None:
            verdict = Verdict.REVIEW
        else:
            verdict = Verdict.ACCEPTABLE
        return _verdict(
            verdict, basis.tier, basis.method, basis, mos, points, outcome, common, merged=True
        )
    qualitative = line.qualitative[0] if line.qualitative else None
    if qualitative is not None:
        label = f"Qualitative assessment ({qualitative.authority}: {qualitative.conclusion})"
        if qualitative.conditional or cmr is not None:
            if qualitative.conditional:
                points.insert(
                    0,
                    ReviewPoint(
                        "qualitative_conditional", "medium", f"{label} - {qualitative.reference}"
                    ),
                )
            return _verdict(Verdict.REVIEW, "2", label, None, None, points, outcome, common)
        return _verdict(Verdict.ACCEPTABLE, "2", label, None, None, points, outcome, common)
    ttc = None if cmr is not None else _ttc(line, sed)
    if ttc is not None:
        verdict, label, point = ttc
        if point is not None:
            points.insert(0, point)
        return _verdict(
            verdict,
            "3" if verdict is Verdict.ACCEPTABLE else "data_gap",
            label,
            None,
            None,
            points,
            outcome,
            common,
        )
    why = "no cited NOAEL, analogue, qualitative conclusion or applicable TTC"
    if line.sources_unavailable:
        why += " (some sources temporarily unavailable)"
    points.insert(0, ReviewPoint("data_gap", "high", f"Data gap: {why}"))
    return _verdict(
        Verdict.DATA_GAP, "data_gap", DATA_GAP_LABEL, None, None, points, outcome, common
    )


def _regulatory_review(
    line: LineInput,
    conc: float | None,
    basis: NoaelBasis | None,
    sed: float | None,
    points: list[ReviewPoint],
    outcome: CascadeOutcome,
    common: LineVerdict,
) -> LineVerdict:
    """A check finding that needs the SA keeps the line open whatever the margin; an
    insufficient margin still shows as such (the stricter of the two)."""
    mos = basis.value / sed if basis is not None and sed else None
    if conc is None:
        points.append(ReviewPoint("concentration_unknown", "high", "Concentration unknown: no MoS"))
    verdict = Verdict.REVIEW if basis is not None else Verdict.DATA_GAP  # no number: a gap
    if mos is not None and mos < MOS_THRESHOLD:
        points.insert(
            0, ReviewPoint("insufficient_margin", "high", f"MoS {mos:.4g} < {MOS_THRESHOLD:g}")
        )
        verdict = Verdict.INSUFFICIENT_MARGIN
    label = basis.method if basis else DATA_GAP_LABEL
    return _verdict(
        verdict, basis.tier if basis else "data_gap", label, basis, mos, points, outcome, common
    )


def _verdict(
    verdict: Verdict,
    tier: Tier,
    label: str,
    basis: NoaelBasis | None,
    mos: float | None,
    points: list[ReviewPoint],
    outcome: CascadeOutcome,
    common: LineVerdict,
    *,
    merged: bool = False,
) -> LineVerdict:
    if not merged:
        points = [*points, *[p for p in outcome.points if p not in points]]
    if verdict is Verdict.DATA_GAP and common.sources_unavailable:
        label += "; sources temporarily unavailable: " + ", ".join(common.sources_unavailable)
    if verdict in OPEN and not points:  # no reasonless "pending"
        points.append(ReviewPoint(verdict.value, "high", label))
    return replace(
        common,
        verdict=verdict,
        tier=tier,
        basis_label=label or DATA_GAP_LABEL,
        noael=basis,
        mos=mos,
        review_points=tuple(points),
        discarded=tuple(outcome.discarded),
    )


def decide(verdicts: Sequence[LineVerdict]) -> ProductDecision:
    found = {v.verdict for v in verdicts}
    if found & set(BLOCKING):
        return ProductDecision.FORMULA_REVISION_REQUIRED
    if found & set(OPEN) or not verdicts:
        return ProductDecision.SA_MUST_RESOLVE
    return ProductDecision.SA_SIGNS


def assess_formula(
    description: Description | None,
    lines: Sequence[LineInput],
    anchors: Sequence[Anchor] = (),
    analogues: Sequence[Analogue] = (),
) -> SafetyResult:
    """Every line through the gates and the cascade; one exposure row for the whole product."""
    exposure = exposure_for(description)
    verdicts = tuple(assess_line(line, exposure, anchors, analogues) for line in lines)
    return SafetyResult(
        lines=verdicts,
        decision=decide(verdicts),
        exposure=exposure,
        registry_version=registry_version(),
    )
