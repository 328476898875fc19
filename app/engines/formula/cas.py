"""CAS Registry Number validation and normalisation.

A CAS RN is ``NNNNNNN-NN-N`` (2–7 digits, 2 digits, 1 check digit). The check digit is the
sum of every other digit multiplied by its position counted from the right, modulo 10.
"""

from __future__ import annotations

import re
import unicodedata

_CAS_RE = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")
# Any dash-like character a word processor or PDF may have produced.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_DASH_TABLE = str.maketrans(dict.fromkeys(_DASHES, "-"))
_CAS_IN_TEXT = re.compile(r"\d{2,7}\s*-\s*\d{2}\s*-\s*\d")
_EMPTY = {"", "-", "--", "n/a", "na", "none", "/", "—", "nil", "無"}


def normalize_cas(raw: str | None) -> str | None:
    """Return ``raw`` with unicode dashes/spaces normalised, or None when it holds no CAS text."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).translate(_DASH_TABLE).strip()
    text = re.sub(r"^(cas\s*(no\.?|number|#)?\s*[:：]?\s*)", "", text, flags=re.IGNORECASE)
    if text.lower() in _EMPTY:
        return None
    text = re.sub(r"\s*-\s*", "-", text)
    text = re.sub(r"\s+", "", text)
    # Bare 5+ digit strings (dashes lost in a PDF) can be re-dashed unambiguously.
    if re.fullmatch(r"\d{5,10}", text):
        text = f"{text[:-3]}-{text[-3:-1]}-{text[-1]}"
    return text or None


def cas_check_digit(body: str) -> int:
    """Compute the check digit for the digits of a CAS number without its last digit."""
    digits = [int(ch) for ch in body if ch.isdigit()]
    return sum(d * i for i, d in enumerate(reversed(digits), start=1)) % 10


def is_cas_format(cas: str | None) -> bool:
    """True when ``cas`` (already normalised) has the NNNNNNN-NN-N shape."""
    return bool(cas) and _CAS_RE.match(cas or "") is not None


def is_valid_cas(raw: str | None) -> bool:
    """True when ``raw`` normalises to a well-formed CAS number with a correct check digit."""
    cas = normalize_cas(raw)
    if cas is None:
        return False
    m = _CAS_RE.match(cas)
    if m is None:
        return False
    return cas_check_digit(m.group(1) + m.group(2)) == int(m.group(3))


def split_cas_cell(raw: str | None) -> list[str]:
    """Split a multi-valued CAS cell (``/``, ``,``, ``;``, newlines) into normalised numbers."""
    if raw is None:
        return []
    if _CAS_RE.match(raw):
        return [raw]  # fast path: already a single well-formed number
    text = unicodedata.normalize("NFKC", str(raw)).translate(_DASH_TABLE)
    found = [normalize_cas(m.group(0)) for m in _CAS_IN_TEXT.finditer(text)]
    out: list[str] = []
    for cas in found:
        if cas and cas not in out:
            out.append(cas)
    return out
