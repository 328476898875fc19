"""NOAEL fallback cascade (spec 06 §2): tiers 0, 0.5, 1, 1.5; tiers 2/3 are decided in engine."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.engines.safety.models import (
    Anchor,
    LineInput,
    NoaelBasis,
    NoaelCandidate,
    ReviewPoint,
    Tier,
)
from app.engines.safety.registry import (
    CEILING_AI_NOAEL,
    CEILING_EPA_NOAEL,
    READ_ACROSS_AF,
    TANIMOTO_THRESHOLD,
)
from app.engines.safety.similarity import tanimoto


@dataclass(frozen=True, slots=True)
class Analogue:
    """Curated tier-1 pairing: target CAS -> analogue anchor."""

    target_cas: str
    anchor: Anchor
    justification: str


@dataclass
class CascadeOutcome:
    basis: NoaelBasis | None = None
    points: list[ReviewPoint] = field(default_factory=list)
    discarded: list[str] = field(default_factory=list)


def _plausible(c: NoaelCandidate, out: CascadeOutcome) -> bool:
    if not (c.value > 0 and c.value == c.value and c.value != float("inf")):
        out.discarded.append(f"{c.value!r} from {c.source}: not a positive finite number")
        return False
    if c.unit.replace(" ", "").lower() not in ("mg/kgbw/day", "mg/kg-day", "mg/kg/day"):
        out.discarded.append(f"{c.value:g} {c.unit} from {c.source}: unit is not mg/kg bw/day")
        return False
    ceiling = CEILING_AI_NOAEL if c.origin == "ai" else CEILING_EPA_NOAEL
    if c.value > ceiling:
        out.discarded.append(
            f"{c.value:g} mg/kg bw/day from {c.source}: above the {ceiling:g} plausibility ceiling"
        )
        return False
    return True


def curated_same_cas(line: LineInput, anchors: Sequence[Anchor]) -> list[Anchor]:
    """Curated anchors (published opinions, e.g. SCCS) for the line's own CAS: tier 0 values."""
    return [a for a in anchors if line.cas and a.cas == line.cas and a.tier == "curated"]


def _numeric(
    line: LineInput,
    out: CascadeOutcome,
    tier: Tier,
    origins: tuple[str, ...],
    extra: Sequence[NoaelCandidate] = (),
) -> NoaelBasis | None:
    offered = [*line.noael_candidates, *extra]
    pool = [c for c in offered if c.origin in origins and _plausible(c, out)]
    if not pool:
        return None
    chosen = min(pool, key=lambda c: c.value)  # the most conservative cited value
    if chosen.epa_verdict == "flag":
        out.points.append(
            ReviewPoint("epa_flag_verdict", "high", f"EPA value flagged: {chosen.source}")
        )
    if chosen.origin == "ai":
        out.points.append(
            ReviewPoint("ai_estimate_unverified", "high", f"AI-proposed value: {chosen.source}")
        )
    if tier == "0.5":
        method = f"Re-grounded NOAEL ({chosen.source})"
    else:
        method = f"NOAEL {chosen.value:g} mg/kg bw/day ({chosen.source})"
    return NoaelBasis(
        value=chosen.value,
        source=chosen.source,
        tier=tier,
        method=method,
        identifiers=chosen.identifiers,
        origin=chosen.origin,
    )


def _regrounded(line: LineInput, anchors: Sequence[Anchor]) -> NoaelBasis | None:
    """A re-grounded / resolved value for the same CAS needs no SMILES (spec 06 §2)."""
    same = [a for a in anchors if line.cas and a.cas == line.cas and a.tier != "curated"]
    if not same:
        return None
    a = min(same, key=lambda x: x.noael)
    return NoaelBasis(
        value=a.noael,
        source=a.citation,
        tier="0.5",
        method=f"Re-grounded NOAEL ({a.source}, CAS {a.cas})",
        identifiers=(("cas", a.cas or ""),),
        origin="regrounded",
    )


def _read_across(line: LineInput, analogues: Sequence[Analogue]) -> NoaelBasis | None:
    match = [x for x in analogues if line.cas and x.target_cas == line.cas]
    if not match:
        return None
    a = min(match, key=lambda x: x.anchor.noael).anchor
    value = a.noael / READ_ACROSS_AF
    return NoaelBasis(
        value=value,
        source=a.citation,
        tier="1",
        method=(
            f"Read-across value (analogue CAS {a.cas or a.name}, cited NOAEL {a.noael:g}, "
            f"AF {READ_ACROSS_AF:g})"
        ),
        af=READ_ACROSS_AF,
        identifiers=(("analogue_cas", a.cas or ""), ("analogue", a.name)),
        origin="read_across",
    )


def _structural(line: LineInput, anchors: Sequence[Anchor]) -> NoaelBasis | None:
    if not line.smiles:
        return None
    scored = [
        (sim, a)
        for a in anchors
        if a.smiles and (sim := tanimoto(line.smiles, a.smiles)) is not None
    ]
    scored = [(s, a) for s, a in scored if s >= TANIMOTO_THRESHOLD]
    if not scored:
        return None
    sim, a = max(scored, key=lambda t: (t[0], -t[1].noael))
    return NoaelBasis(
        value=a.noael / READ_ACROSS_AF,
        source=a.citation,
        tier="1.5",
        method=(
            f"Structural read-across (analogue {a.name}, Tanimoto {sim:.2f}, AF {READ_ACROSS_AF:g})"
        ),
        af=READ_ACROSS_AF,
        identifiers=(
            ("analogue_cas", a.cas or ""),
            ("analogue", a.name),
            ("tanimoto", f"{sim:.4f}"),
        ),
        origin="structural",
    )


def find_noael(
    line: LineInput, anchors: Sequence[Anchor], analogues: Sequence[Analogue]
) -> CascadeOutcome:
    out = CascadeOutcome()
    curated = [
        NoaelCandidate(
            value=a.noael,
            source=a.citation,
            origin="authority",
            identifiers=(("cas", a.cas or ""), ("opinion", a.source)),
        )
        for a in curated_same_cas(line, anchors)
    ]
    basis = (
        _numeric(line, out, "0", ("authority", "epa"), curated)
        or _numeric(line, out, "0.5", ("regrounded",))
        or _regrounded(line, anchors)
    )
    if basis is None:
        basis = _read_across(line, analogues) or _structural(line, anchors)
        if basis is not None:
            out.points.append(
                ReviewPoint(
                    "read_across_analogue_to_confirm", "medium", f"Analogue used: {basis.method}"
                )
            )
    if basis is None:  # an AI proposal is validated like any value and never trusted alone
        basis = _numeric(line, out, "0", ("ai",))
    out.basis = basis
    return out
