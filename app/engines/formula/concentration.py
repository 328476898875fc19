"""Concentration cell parser (% w/w) for formula sheets.

Accepted forms: ``5``, ``5%``, ``5 % w/w``, ``5,25`` (comma decimal), ranges ``1-5%``,
``1~5``, ``1 to 5`` (the upper bound is the value: conservative for safety assessment),
``<0.1`` / ``≤0.1`` (upper bound), ``500 ppm``, and balance markers ``q.s.``, ``qs``, ``q.s.p.``,
``ad 100``, ``to 100``, ``balance``, ``適量``, ``餘量``. Anything else is ``invalid``; never raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

ConcentrationKind = Literal["number", "range", "less_than", "qs", "empty", "invalid"]

_NUM = r"\d+(?:[.,]\d+)?|[.,]\d+"
_QS = re.compile(
    r"^(?:q\.?\s*s\.?\s*p?\.?|ad\b|ad\s*\d|to\s*100|bal(?:ance|\.)?\b|適量|餘量|余量|加至|補至|補足)",
    re.IGNORECASE,
)
_LESS = re.compile(r"^(?:<=?|≤|＜|less\s+than|max\.?|up\s*to|below|小於|未滿)\s*")
_RANGE = re.compile(rf"^({_NUM})\s*%?\s*(?:-|~|～|to|至)\s*({_NUM})$")
_UNITS = re.compile(r"(?:%\s*\(?\s*w\s*/\s*w\s*\)?|\(?\s*w\s*/\s*w\s*\)?|wt\.?\s*%|%|percent)")
_EMPTY = {"", "-", "--", "—", "n/a", "na", "nil", "/", "none"}
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212\uff0d", "-"))


@dataclass(frozen=True)
class ParsedConcentration:
    """Parsed concentration: ``value`` in % w/w (None for qs/empty/invalid) plus how it was read."""

    value: float | None
    kind: ConcentrationKind
    comma_decimal: bool = False
    noisy: bool = False
    lower: float | None = None


def _to_float(text: str) -> tuple[float, bool]:
    """Parse one number, treating a single comma as a decimal separator (no % can exceed 100)."""
    comma = "," in text
    return float(text.replace(",", ".")), comma


def parse_concentration(raw: object) -> ParsedConcentration:
    """Parse a concentration cell (str, int, float or None) into a ParsedConcentration."""
    try:
        return _parse(raw)
    except (ValueError, OverflowError):
        return ParsedConcentration(None, "invalid")


def _parse(raw: object) -> ParsedConcentration:
    if raw is None:
        return ParsedConcentration(None, "empty")
    if isinstance(raw, bool):
        return ParsedConcentration(None, "invalid")
    if isinstance(raw, int | float):
        value = float(raw)
        ok = 0.0 <= value <= 100.0
        return ParsedConcentration(value if ok else None, "number" if ok else "invalid")
    text = unicodedata.normalize("NFKC", str(raw)).translate(_DASHES).strip().lower()
    text = re.sub(r"\s+", " ", text)
    if text in _EMPTY:
        return ParsedConcentration(None, "empty")
    if _QS.match(text):
        return ParsedConcentration(None, "qs")
    ppm = re.fullmatch(rf"({_NUM})\s*ppm", text)
    if ppm:
        value, comma = _to_float(ppm.group(1))
        return _bounded(value / 10000.0, "number", comma)
    body = _UNITS.sub("", text).strip()
    less = _LESS.match(body)
    if less:
        rest = body[less.end() :].strip()
        if re.fullmatch(_NUM, rest):
            value, comma = _to_float(rest)
            return _bounded(value, "less_than", comma)
    rng = _RANGE.match(body)
    if rng:
        low, c1 = _to_float(rng.group(1))
        high, c2 = _to_float(rng.group(2))
        if low > high:
            low, high = high, low
        return _bounded(high, "range", c1 or c2, lower=low)
    if re.fullmatch(_NUM, body):
        value, comma = _to_float(body)
        return _bounded(value, "number", comma)
    numbers = re.findall(_NUM, body)
    if len(numbers) == 1:
        # A single number among other words ("approx. 5", "5 (final)") is usable but less certain.
        value, comma = _to_float(numbers[0])
        result = _bounded(value, "number", comma)
        return ParsedConcentration(result.value, result.kind, comma, noisy=True)
    return ParsedConcentration(None, "invalid")


def _bounded(
    value: float, kind: ConcentrationKind, comma: bool, lower: float | None = None
) -> ParsedConcentration:
    if not 0.0 <= value <= 100.0:
        return ParsedConcentration(None, "invalid", comma)
    return ParsedConcentration(value, kind, comma, lower=lower)
