"""Low-level text helpers for regulatory cells: numbers, EC numbers, clauses, labels."""

from __future__ import annotations

import math
import re
import unicodedata

_DECIMAL = re.compile(r"(\d+(?:[.,]\d+)?)")
# A concentration is a number followed by "%", "ppm" or "mg/kg" (dates and pH values are not).
_AMOUNT = re.compile(r"(?<![\d.,])(\d+(?:[.,]\d+)?)\s*(%|ppm\b|mg\s*/\s*kg\b)", re.IGNORECASE)
_UNIT_TO_PCT = {"%": 1.0, "ppm": 1e-4, "mg/kg": 1e-4}
# Values stated as lower bounds ("> 0,1 %") are not maxima.
_LOWER_BOUND = re.compile(r"(>|≥|more than|above|at least)\s*$", re.IGNORECASE)
# Purity/impurity specifications in the same line are not product concentration limits.
_PURITY = re.compile(r"secondary amine|nitrosamine|impurit|\bpurity|\bratio\b", re.IGNORECASE)
_CORRESPONDING = re.compile(r"corresponding to\s*$", re.IGNORECASE)
_EC = re.compile(r"(?<![\d-])(\d{3})-(\d{3})-(\d)(?![\d-])")
# Spec 06 §5: "presence of the substance ... shall/must be indicated" (case-insensitive).
_DISCLOSURE = re.compile(
    r"(?:\bthe\s+)?presence\s+of\s+the\s+substance.*?\b(?:shall|must)\s+be\s+indicated",
    re.IGNORECASE | re.DOTALL,
)
_DISCLOSURE_VALUES = (0.001, 0.01)
_LEAVE_ON_AMOUNT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%\s*in\s+leave[\s-]*on", re.IGNORECASE)
_RINSE_OFF_AMOUNT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%\s*in\s+rinse[\s-]*off", re.IGNORECASE)


def clean_text(value: str) -> str:
    """Normalise a raw cell: NFKC, no soft hyphens, trimmed, "-" placeholders become ""."""
    text = unicodedata.normalize("NFKC", value or "").replace("\u00ad", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "" if re.fullmatch(r"[-–—\s]*", text) else text


def parse_decimal(text: str) -> float | None:
    """First decimal number in text with "," read as decimal point ("0,001" -> 0.001)."""
    match = _DECIMAL.search(text or "")
    if match is None:
        return None
    value = float(match.group(1).replace(",", "."))
    return value if math.isfinite(value) else None


def parse_amounts(text: str) -> list[float]:
    """Maximum-concentration values (in %) stated in text, in order of appearance.

    Skipped, because they are not maxima for the ingredient: lower bounds ("> 0,1 %"),
    purity/impurity specs on the same line, values after "corresponding to", and numbers
    whose integer part follows another digit and a space ("0 15%": garbled, never guessed).
    Parenthesised values are alternative expressions ("(1,0 % as dihydrochloride)") and
    are dropped when a value outside parentheses exists.
    """
    outside: list[float] = []
    inside: list[float] = []
    for match in _AMOUNT.finditer(text or ""):
        before = text[: match.start()]
        line = before.rsplit("\n", 1)[-1]
        if re.search(r"\d\s+$", before) or _LOWER_BOUND.search(line):
            continue
        if _PURITY.search(line) or _CORRESPONDING.search(line):
            continue
        unit = re.sub(r"\s+", "", match.group(2).lower())
        value = float(match.group(1).replace(",", ".")) * _UNIT_TO_PCT[unit]
        if not math.isfinite(value):
            continue
        in_parens = line.count("(") > line.count(")")
        (inside if in_parens else outside).append(round(value, 10))
    return outside or inside


def split_disclosure(text: str) -> tuple[str, str]:
    """Split a cell into (text before the disclosure clause, clause and everything after)."""
    match = _DISCLOSURE.search(text or "")
    if match is None:
        return text or "", ""
    return text[: match.start()], text[match.start() :]


def disclosure_thresholds(clause: str) -> tuple[float | None, float | None]:
    """Leave-on and rinse-off label thresholds stated in a disclosure clause."""
    if not clause:
        return None, None
    return _threshold(_LEAVE_ON_AMOUNT, clause), _threshold(_RINSE_OFF_AMOUNT, clause)


def _threshold(pattern: re.Pattern[str], clause: str) -> float | None:
    match = pattern.search(clause)
    if match is None:
        return None
    value = float(match.group(1).replace(",", "."))
    # Double confirmation (spec 06 §5 rule 5): only characteristic disclosure values count.
    return value if any(math.isclose(value, v) for v in _DISCLOSURE_VALUES) else None


def extract_ec(cell: str) -> tuple[str, ...]:
    """EC numbers (###-###-#) in a cell, in order, without duplicates."""
    found: list[str] = []
    for m in _EC.finditer(clean_text(cell)):
        ec = "-".join(m.groups())
        if ec not in found:
            found.append(ec)
    return tuple(found)
