"""Post-checks every toxicology summary must pass, local or AI-written (spec 04 §6, 06 §2).

* no forbidden phrase ("absolutely safe", ...) anywhere in the summary;
* every endpoint value, and every number the text ties to a unit (mg/kg, %, ppm ...) or to a
  toxicology keyword (NOAEL, LD50, limit ...), appears in a fact: a source result, a tool
  output or the regulatory record the summary was built from;
* every endpoint with a value or rating names its source.

AI-derived NOAELs above 2000 mg/kg bw/day are discarded by :func:`apply_noael_ceiling`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel

from app.engines.toxicology.records import SourceResult
from app.engines.toxicology.rules import AI_NOAEL_CEILING, FORBIDDEN_PHRASES, SOURCE_NOAEL_CEILING
from app.engines.toxicology.summary import EndpointSummary, ToxicologySummary, format_number

__all__ = [
    "AI_NOAEL_CEILING",
    "FORBIDDEN_PHRASES",
    "SOURCE_NOAEL_CEILING",
    "SummaryValidationError",
    "allowed_numbers",
    "apply_noael_ceiling",
    "forbidden_phrases_in",
    "validate_summary",
]

_NUM = r"(?<![\w.])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_ANY_NUMBER = re.compile(_NUM)
_UNIT = (
    r"\s*(?:%|percent|ppm|ppb|mg\s*/\s*kg|g\s*/\s*kg|[uµμ]g\s*/\s*kg|mg\s*/\s*l|mg\s*/\s*m3"
    r"|mg\s*/\s*cm2|[uµμ]g|mg\b|g\b|ml\s*/\s*kg)"
)
_WITH_UNIT = re.compile(_NUM + _UNIT, re.IGNORECASE)
_KEYWORD = re.compile(
    r"\b(?:NOAEL|NOEL|LOAEL|LOEL|BMDL\w*|BMD|LD50|LC50|limit|maximum|max\.?)\b"
    r"[^\d\n]{0,20}?" + _NUM,
    re.IGNORECASE,
)
_NOAEL_NAMES = ("noael", "noel")


class SummaryValidationError(ValueError):
    """The summary breaks a safety rule; ``problems`` lists each violation."""

    def __init__(self, problems: list[str]) -> None:
        """Keep the individual problems for logging and tests."""
        super().__init__("; ".join(problems))
        self.problems = problems


def _to_float(text: str) -> float:
    return float(text.replace(",", ""))


def _walk(value: Any, out: set[float]) -> None:
    if isinstance(value, BaseModel):
        _walk(value.model_dump(mode="json"), out)
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int | float):
        if math.isfinite(value):
            out.add(abs(float(value)))
    elif isinstance(value, str):
        out.update(_to_float(m) for m in _ANY_NUMBER.findall(value))
    elif isinstance(value, dict):
        for v in value.values():
            _walk(v, out)
    elif isinstance(value, list | tuple | set):
        for v in value:
            _walk(v, out)


def allowed_numbers(results: Sequence[SourceResult], facts: Iterable[Any] = ()) -> set[float]:
    """Every number stated by a source result or another fact (tool output, regulatory record)."""
    out: set[float] = set()
    _walk(list(results), out)
    _walk(list(facts), out)
    return out


def _known(value: float, allowed: set[float]) -> bool:
    v = abs(value)
    return v in allowed or any(math.isclose(v, a, rel_tol=1e-9) for a in allowed)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"\s*%", "%", " ".join(text.split()))


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def forbidden_phrases_in(texts: Iterable[str]) -> list[str]:
    """Forbidden phrases found in any of ``texts`` (case, width and spacing insensitive)."""
    joined = "\n".join(_normalise(t) for t in texts)
    return [p for p in FORBIDDEN_PHRASES if _normalise(p) in joined]


def _text_numbers(text: str) -> list[str]:
    return [m.group(1) for m in _WITH_UNIT.finditer(text)] + [
        m.group(1) for m in _KEYWORD.finditer(text)
    ]


def validate_summary(
    summary: ToxicologySummary, results: Sequence[SourceResult], facts: Iterable[Any] = ()
) -> None:
    """Raise SummaryValidationError when the summary breaks a rule of this module."""
    problems = [
        f"forbidden phrase: {p!r}"
        for p in forbidden_phrases_in(_strings(summary.model_dump(mode="json")))
    ]
    allowed = allowed_numbers(results, facts)
    for name, e in summary.risk_endpoints.items():
        if e.value is not None and not _known(e.value, allowed):
            problems.append(f"{name}: value {format_number(e.value)} appears in no source")
        if (e.value is not None or e.rating) and not (e.source or "").strip():
            problems.append(f"{name}: no source cited")
        for number in _text_numbers(e.note or ""):
            if not _known(_to_float(number), allowed):
                problems.append(f"{name}: note states {number}, which appears in no source")
    for number in _text_numbers(summary.summary_en):
        if not _known(_to_float(number), allowed):
            problems.append(f"summary_en states {number}, which appears in no source")
    has_data = any(e.value is not None or e.rating for e in summary.risk_endpoints.values())
    if has_data and not summary.citations:
        problems.append("conclusions without citations")
    if problems:
        raise SummaryValidationError(problems)


def _unit_is_mg_per_kg(unit: str | None) -> bool:
    # The ceiling is in mg/kg bw/day; a value in another unit cannot be compared with it.
    return unit is None or "mg/kg" in unit.replace(" ", "").lower()


def apply_noael_ceiling(
    summary: ToxicologySummary, ceiling: float = AI_NOAEL_CEILING
) -> tuple[ToxicologySummary, list[str]]:
    """Null every NOAEL above ``ceiling`` mg/kg bw/day; returns the summary and the names."""
    endpoints = dict(summary.risk_endpoints)
    dropped: list[str] = []
    for name, e in summary.risk_endpoints.items():
        if not name.lower().startswith(_NOAEL_NAMES) or e.value is None:
            continue
        if _unit_is_mg_per_kg(e.unit) and e.value > ceiling:
            dropped.append(name)
            endpoints[name] = EndpointSummary(
                source=e.source,
                # No unit next to the number, so re-validating the summary stays possible.
                note=f"discarded: AI-derived value {format_number(e.value)} is above the "
                "plausibility ceiling for NOAELs (spec 06 §2); SA review required",
            )
    if not dropped:
        return summary, []
    text = summary.summary_en + (
        " Note: an implausible NOAEL (above the plausibility ceiling) was discarded; "
        "SA review required."
    )
    return summary.model_copy(update={"risk_endpoints": endpoints, "summary_en": text}), dropped
