"""Risk level and qualitative endpoints derived from GHS hazard statements (H-codes).

Rule (documented, deterministic):

* ``high``: any hazard statement starting with one of :data:`HIGH_HAZARD_PREFIXES` - CMR
  category 1 (H340 mutagen, H350 carcinogen, H360 reproductive toxicant), fatal acute toxicity
  (H300, H310, H330) or specific target organ toxicity category 1 (H370, H372);
* ``medium``: any other health hazard statement H3xx (harmful, irritant, sensitiser, suspected
  CMR H341/H351/H361, ...);
* ``low``: at least one source answered with toxicology data (endpoints or hazard codes) and
  none of them holds a health hazard statement;
* ``unknown``: no source answered with toxicology data (unavailable, no data, identity only).

Physical (H2xx) and environmental (H4xx) statements and EUH codes do not change the level.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

from app.engines.toxicology.records import SourceResult, SourceStatus

RiskLevel = Literal["low", "medium", "high", "unknown"]

HIGH_HAZARD_PREFIXES: tuple[str, ...] = (
    "H300",
    "H310",
    "H330",
    "H340",
    "H350",
    "H360",
    "H370",
    "H372",
)
# Qualitative endpoints rated from the hazard statements that define them.
QUALITATIVE_CODES: dict[str, tuple[str, ...]] = {
    "skin_irritation": ("H314", "H315"),
    "eye_irritation": ("H318", "H319", "H320"),
    "sensitization": ("H317", "H334"),
    "mutagenicity": ("H340", "H341"),
    "carcinogenicity": ("H350", "H351"),
    "reproductive_toxicity": ("H360", "H361", "H362"),
}
_H_CODE = re.compile(r"(?<![A-Za-z0-9])(H\d{3}[A-Za-z]{0,2})(?![A-Za-z0-9])")


def codes_in(text: str | None) -> list[str]:
    """Hazard statement codes (H-codes) found in a rating or text, in order, deduplicated."""
    return list(dict.fromkeys(_H_CODE.findall(text or "")))


def hazard_codes_of(result: SourceResult) -> list[str]:
    """All H-codes a source reported, from its code list and its classification ratings."""
    found = list(result.hazard_codes)
    for endpoint in result.endpoints:
        found.extend(codes_in(endpoint.rating))
    return list(dict.fromkeys(c for c in found if c.startswith("H")))


def has_tox_data(result: SourceResult) -> bool:
    """True when the source answered with endpoints or hazard codes (not only identifiers)."""
    return result.status is SourceStatus.OK and bool(result.endpoints or result.hazard_codes)


def risk_level_from_codes(codes: Iterable[str], *, has_data: bool) -> RiskLevel:
    """Apply the module's rule to a set of H-codes."""
    health = [c for c in codes if c.startswith("H3")]
    if any(c.startswith(HIGH_HAZARD_PREFIXES) for c in health):
        return "high"
    if health:
        return "medium"
    return "low" if has_data else "unknown"


def risk_level(results: Sequence[SourceResult]) -> RiskLevel:
    """Risk level over every answering source."""
    with_data = [r for r in results if has_tox_data(r)]
    codes = [c for r in with_data for c in hazard_codes_of(r)]
    return risk_level_from_codes(codes, has_data=bool(with_data))


_RANK: dict[RiskLevel, int] = {"unknown": 0, "low": 1, "medium": 2, "high": 3}


def at_least(level: RiskLevel, floor: RiskLevel) -> RiskLevel:
    """The more severe of two levels; ``unknown`` never lowers a known level."""
    return floor if _RANK[floor] > _RANK[level] else level
