"""API-facing result types of the formula compliance check."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

from app.models.enums import Jurisdiction, ListType

Kind = Literal[
    "prohibited",
    "over_limit",
    "not_on_positive_list",
    "label_warning",
    "disclosure",
    "condition",
    "outside_permitted_use",
    "restriction_violated",
    "sum_over_limit",
    "unidentified",
    "nano_not_permitted",
    "nanomaterial",
]
# Per-line status read by the safety engine (worst first).
LineStatus = Literal[
    "prohibited",
    "non_compliant",
    "unidentified",
    "review",
    "advisory",
    "label_warning",
    "disclosure",
    "compliant",
]
LINE_STATUSES: tuple[LineStatus, ...] = (
    "prohibited",
    "non_compliant",
    "unidentified",
    "review",
    "advisory",
    "label_warning",
    "disclosure",
    "compliant",
)
Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")
POSITIVE_LISTS = ("preservative", "colorant", "uv_filter")
_FUNCTION_ALIASES = {
    "preservative": "preservative",
    "preservatives": "preservative",
    "colorant": "colorant",
    "colourant": "colorant",
    "colorants": "colorant",
    "colourants": "colorant",
    "uv_filter": "uv_filter",
    "uv filter": "uv_filter",
    "uv-filter": "uv_filter",
    "uv absorber": "uv_filter",
}


class Finding(BaseModel):
    """One regulatory finding for one ingredient (API contract, spec 04 §5)."""

    model_config = ConfigDict(frozen=True)

    ingredient: str
    cas: str | None
    kind: Kind
    severity: Severity
    actual: float | None
    allowed: float | None
    jurisdiction: str
    binding: bool
    reference: str
    citation: str
    message: str
    # Formula lines (1-based) the finding is about; several for duplicates and sum limits.
    lines: list[int] = []
    # Amount compared with the limit after a "calculated as" conversion, and its basis.
    converted: float | None = None
    basis: str | None = None
    assumptions: list[str] = []
    candidates: list[str] = []
    contributors: list[str] = []
    # From a list whose source is provisional (e.g. the TW UV-filter third-party parse).
    provisional: bool = False


class LineResult(BaseModel):
    """Regulatory status of one formula line (what the safety engine reads)."""

    model_config = ConfigDict(frozen=True)

    line: int
    ingredient: str
    cas: str | None
    identified_as: str | None
    is_nano: bool
    concentration: float | None
    # Concentration of the substance over every line naming it (duplicates summed).
    total_concentration: float | None
    status: LineStatus
    references: list[str]


class Summary(BaseModel):
    """Counts of findings by severity and the overall regulatory verdict.

    `compliant` is null when no list at all is loaded: no findings then means nothing was checked.
    """

    model_config = ConfigDict(frozen=True)

    counts: dict[str, int]
    total: int
    compliant: bool | None
    lists_checked: list[str]
    lists_missing: list[str]
    reasons: list[str] = []
    assumptions: list[str] = []
    blocking: int = 0
    unidentified: int = 0
    # Target markets of the check (their lists bind); the others only advise (spec 06 §6).
    binding_jurisdictions: list[str] = []
    advisory_jurisdictions: list[str] = []
    # Loaded lists whose source is provisional (their findings carry `provisional`).
    provisional_lists: list[str] = []


class CheckReport(BaseModel):
    """Findings of one formula check plus their summary."""

    model_config = ConfigDict(frozen=True)

    findings: list[Finding]
    summary: Summary
    lines: list[LineResult] = []


@dataclass(frozen=True, slots=True)
class FormulaLine:
    """One formula ingredient; function is optional (e.g. "preservative")."""

    inci: str
    cas: str | None = None
    concentration_pct: float | None = None
    function: str | None = None
    is_nano: bool = False

    @property
    def safe_concentration(self) -> float | None:
        """Concentration usable for comparisons; NaN, infinite or negative count as unknown."""
        value = self.concentration_pct
        if value is None or isinstance(value, bool):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        return number if math.isfinite(number) and number >= 0 else None

    @property
    def positive_list(self) -> str | None:
        """Positive list implied by the declared function, if any."""
        return _positive_list(self.function)


@lru_cache(maxsize=1024)  # a handful of distinct functions, asked per line and per substance
def _positive_list(function: str | None) -> str | None:
    key = " ".join((function or "").casefold().replace("_", " ").split())
    return _FUNCTION_ALIASES.get(key) or _FUNCTION_ALIASES.get(key.replace(" ", "_"))


def summarize(findings: list[Finding], loaded_lists: Iterable[tuple[str, str]]) -> Summary:
    """Severity counts; compliant unless a binding critical/high finding exists.

    `loaded_lists` are the (jurisdiction, list type) pairs the check ran against.
    """
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    blocking = any(f.binding and f.severity in ("critical", "high") for f in findings)
    loaded = set(loaded_lists)
    expected = {(j.value, t.value) for j in Jurisdiction for t in ListType}
    return Summary(
        counts=counts,
        total=len(findings),
        compliant=None if not loaded else not blocking,
        lists_checked=sorted(f"{j} {t}" for j, t in loaded),
        lists_missing=sorted(f"{j} {t}" for j, t in expected - loaded),
    )
