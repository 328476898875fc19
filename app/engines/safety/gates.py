"""Hard gates evaluated before and regardless of the MoS (spec 06 §3, order 1-7)."""

import json
from dataclasses import dataclass
from functools import cache

from app.data import DATA_DIR
from app.engines.safety.models import LineInput, ReviewPoint
from app.models.enums import Verdict

HEAVY_METALS_PATH = DATA_DIR / "safety" / "heavy_metals.json"
CMR_CAT1 = ("H340", "H350", "H360")  # incl. H350i, H360F/D/FD ...
CMR_CAT2 = ("H341", "H351", "H361")
CORROSIVE = ("H314", "H318")


@dataclass(frozen=True, slots=True)
class GateResult:
    verdict: Verdict
    label: str
    review_point: ReviewPoint | None = None


@cache
def _heavy_metals() -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    data = json.loads(HEAVY_METALS_PATH.read_text(encoding="utf-8"))
    by_cas = {e["cas"]: e["metal"] for e in data["entries"]}
    roots = {metal: tuple(r.casefold() for r in rs) for metal, rs in data["name_roots"].items()}
    return by_cas, roots


def heavy_metal(line: LineInput) -> str | None:
    by_cas, roots = _heavy_metals()
    if line.cas and line.cas in by_cas:
        return by_cas[line.cas]
    name = line.inci.casefold()
    return next((metal for metal, rs in roots.items() if any(r in name for r in rs)), None)


def _codes(line: LineInput, prefixes: tuple[str, ...]) -> list[str]:
    return sorted({c for c in line.hazard_codes if c.upper().startswith(prefixes)})


def prohibited_label(reason: str) -> str:
    return f"Statutorily prohibited — NOAEL not required ({reason})"


def hard_gate(line: LineInput) -> GateResult | None:
    """The first matching gate, or None (then the NOAEL cascade decides)."""
    if metal := heavy_metal(line):
        return GateResult(Verdict.PROHIBITED, prohibited_label(f"{metal} compound"))
    reg = line.regulatory
    if reg.prohibited_reference:
        return GateResult(Verdict.PROHIBITED, prohibited_label(reg.prohibited_reference))
    cmr = _codes(line, CMR_CAT1)
    if cmr and not reg.on_permitted_list:
        return GateResult(Verdict.PROHIBITED, prohibited_label(f"CMR {' '.join(cmr)}"))
    if reg.non_compliant:
        return GateResult(
            Verdict.NON_COMPLIANT, f"Regulatory limit not met — {reg.non_compliant[0]}"
        )
    if line.is_nano:
        point = ReviewPoint("nanomaterial", "high", "Nanomaterial: dedicated assessment required")
        return GateResult(Verdict.REVIEW, "Nanomaterial — dedicated SA assessment required", point)
    if corrosive := _codes(line, CORROSIVE):
        point = ReviewPoint(
            "corrosive_irritant", "high", f"Corrosive / strong irritant ({' '.join(corrosive)})"
        )
        return GateResult(
            Verdict.REVIEW, f"Corrosive / irritant classification ({' '.join(corrosive)})", point
        )
    return None


def carcinogenic_note(line: LineInput) -> ReviewPoint | None:
    """Carcinogen-classified but permitted (e.g. a colorant within its limit): SA confirms."""
    codes = _codes(line, CMR_CAT1 + CMR_CAT2)
    if not codes:
        return None
    return ReviewPoint(
        "carcinogenic_classification", "high", f"CMR classification {' '.join(codes)}"
    )
