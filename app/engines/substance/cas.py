"""CAS Registry Numbers: the one normaliser used by extraction, regulatory matching and MCP.

A CAS RN is ``NNNNNNN-NN-N`` (2-7 digits, 2 digits, 1 check digit). The check digit is the sum
of the other digits, each multiplied by its position counted from the right, modulo 10.
"""

from __future__ import annotations

import re
import unicodedata

# Any dash-like character a word processor or PDF may have produced (NFKC keeps most of them).
_DASH_TABLE = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63", "-"))
_PREFIX = re.compile(r"^(cas\s*(rn|no\.?|number|#)?\s*[:：]?\s*)", re.IGNORECASE)
_EMPTY = {"", "-", "--", "n/a", "na", "none", "/", "nil", "無"}
# Up to 10 leading digits so zero-padded forms ("0000050-00-0") still parse.
# Used with fullmatch: "$" would also accept a trailing newline ("56-81-5\n").
_CANONICAL = re.compile(r"[1-9]\d{1,6}-\d{2}-\d")
_SHAPE = re.compile(r"0*(\d{2,7})-(\d{2})-(\d)")
_IN_TEXT = re.compile(r"(?<![\d-])(\d{2,10})\s*-\s*(\d{2})\s*-\s*(\d)(?![\d-])")


def _fold(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw).replace("\u00ad", "")
    return text.translate(_DASH_TABLE)


def clean_cas_text(raw: str | None) -> str | None:
    """What a cell says, tidied (width, dashes, spaces, "CAS No.:"), or None when it is empty.

    Extraction keeps this text to show the document's value when it is not a CAS number.
    """
    if raw is None:
        return None
    text = _PREFIX.sub("", _fold(str(raw)).strip())
    if text.lower() in _EMPTY or re.fullmatch(r"[-\s]*", text):
        return None
    text = re.sub(r"\s+", "", re.sub(r"\s*-\s*", "-", text))
    # Bare 5+ digit strings (dashes lost in a PDF) can be re-dashed unambiguously.
    if re.fullmatch(r"\d{5,10}", text):
        text = f"{text[:-3]}-{text[-3:-1]}-{text[-1]}"
    return text or None


def normalize_cas(raw: str | None) -> str | None:
    """Canonical ``N-NN-N`` form (``56815``, ``56–81–5``, ``０５６-８１-５`` -> ``56-81-5``).

    None when the text is not shaped like one CAS number; the check digit is `is_valid_cas`'s job.
    """
    text = clean_cas_text(raw)
    match = _SHAPE.fullmatch(text) if text else None
    return "-".join(match.groups()) if match else None


def cas_check_digit(body: str) -> int:
    """Check digit for the digits of a CAS number without its last digit."""
    digits = [int(ch) for ch in body if ch.isdigit()]
    return sum(d * i for i, d in enumerate(reversed(digits), start=1)) % 10


def is_valid_cas(raw: str | None) -> bool:
    """True when ``raw`` normalises to a CAS number whose check digit is right."""
    cas = normalize_cas(raw)
    if cas is None:
        return False
    body, _, check = cas.rpartition("-")
    return cas_check_digit(body) == int(check)


def split_cas_cell(raw: str | None) -> list[str]:
    """Every CAS-shaped number in a multi-valued cell (``/``, ``,``, ``;``, newlines), canonical."""
    if not raw:
        return []
    if _CANONICAL.fullmatch(raw):
        return [raw]  # fast path: the 28k-row inventory is almost all well-formed single numbers
    found: list[str] = []
    for m in _IN_TEXT.finditer(_fold(str(raw))):
        body = m.group(1).lstrip("0")
        cas = f"{body}-{m.group(2)}-{m.group(3)}"
        if 2 <= len(body) <= 7 and cas not in found:
            found.append(cas)
    if not found and (single := normalize_cas(raw)):
        found.append(single)  # a bare digit string ("56815") is one number
    return found


def valid_cas_numbers(raw: str | None) -> tuple[str, ...]:
    """The numbers in a cell that pass the check digit, in order, without duplicates."""
    return tuple(cas for cas in split_cas_cell(raw) if is_valid_cas(cas))


def first_valid_cas(raw: str | None) -> str | None:
    """The first valid CAS number in a cell (the regulatory matching key), or None."""
    found = valid_cas_numbers(raw)
    return found[0] if found else None
