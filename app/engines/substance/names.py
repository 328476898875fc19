"""The one INCI/chemical name normaliser: dictionary keys, stored keys and regulatory matching."""

from __future__ import annotations

import re
import unicodedata

_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d", "-"))
_QUOTES = str.maketrans(dict.fromkeys("\"'`\u2018\u2019\u201c\u201d\u00b4", ""))
# Footnote markers and trailing annotations that are not part of an INCI name.
_JUNK_CHARS = " *†‡§#¹²³⁴⁵⁶⁷⁸⁹:;,."
_AROUND_SEP = re.compile(r"\s*([-/])\s*")
_PAREN_SPACES = re.compile(r"\(\s+|\s+\)")
_COMMA = re.compile(r"\s*,\s*")
# A comma between letters ("A,B") is a typed list separator; between digits ("1,2-") it is not.
_COMMA_FIX = re.compile(r"[A-Z],[A-Z]")
_NON_ALNUM = re.compile(r"[^0-9A-Z]")


def normalize_name(raw: str) -> str:
    """Canonical lookup key: NFKC, upper case, unified dashes, no quotes, single spaces."""
    # Cheap string checks guard each regex: building the 28k-name inventory must stay fast.
    text = raw if raw.isascii() else unicodedata.normalize("NFKC", raw).translate(_DASHES)
    if not text.isascii() or '"' in text or "'" in text or "`" in text:
        text = text.translate(_QUOTES)
    text = " ".join(text.split()).upper().rstrip(_JUNK_CHARS)
    # INCI never has spaces around '-' or '/', but typed lists often do ("C12 - 15").
    if " -" in text or "- " in text or " /" in text or "/ " in text:
        text = _AROUND_SEP.sub(r"\1", text)
    if "( " in text or " )" in text:
        text = _PAREN_SPACES.sub(lambda m: m.group(0).strip(), text)
    if " ," in text or (", " not in text and "," in text and _COMMA_FIX.search(text)):
        text = _COMMA.sub(", ", text)
    return text


def compact_name(raw: str) -> str:
    """Key without any punctuation or spaces, for near-exact matches."""
    return _NON_ALNUM.sub("", normalize_name(raw))
