"""Text normalisation for label and claim matching (NFKC, case-folded, both scripts)."""

import unicodedata
from functools import lru_cache

# Categories dropped before comparing: whitespace, punctuation, symbols and control characters, so
# "含有水楊酸，三歲以下" matches "含有 水楊酸 三歲以下" and "Anti-Wrinkle" matches "anti wrinkle".
_DROP = ("Z", "P", "C", "S")


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """NFKC (full-width, CJK compatibility ideographs, Kangxi radicals), then case-fold."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    # NFKC can expose new compatibility forms after case folding (e.g. 'ﬀ'); apply it again.
    folded = unicodedata.normalize("NFKC", folded)
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in _DROP)


def contains(haystack: str, needle: str) -> bool:
    """Whether `needle` occurs in `haystack` after normalising both (empty needles never match)."""
    key = normalize(needle)
    return bool(key) and key in normalize(haystack)


def first_term(text: str, terms: list[str] | tuple[str, ...]) -> str | None:
    """The first of `terms` found in `text`, or None."""
    norm = normalize(text)
    for term in terms:
        key = normalize(term)
        if key and key in norm:
            return term
    return None


def same_key(value: str, aliases: list[str] | tuple[str, ...]) -> bool:
    """Whether `value` equals one of `aliases` once normalised (for parameter names)."""
    key = normalize(value)
    return bool(key) and any(key == normalize(a) for a in aliases)
