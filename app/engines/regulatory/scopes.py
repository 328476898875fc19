"""Product-type scopes: detection from annex text and selection of applicable categories."""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.engines.regulatory.models import AREA_SCOPES, FORM_SCOPES, UseCategory

_KEYWORDS: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = tuple(
    (re.compile(p, re.IGNORECASE), frozenset(s))
    for p, s in (
        (r"leave[\s-]*on", {"leave_on"}),
        (r"rinse[\s-]*off|hand\s*wash|shower gel|\bsoaps?\b", {"rinse_off"}),
        (r"shampoo", {"rinse_off", "hair"}),
        (r"\bhair|scalp", {"hair"}),
        (r"\boral|tooth|mouth|dental", {"oral"}),
        (r"\beyes?\b|eyelash|eyebrow|mascara|eye\s*liner|eye\s*shadow|\beye\s", {"eye"}),
        (r"\bnails?\b|cuticle", {"nail"}),
        (r"\bskin|\bbody|\bhands?\b|\bfoot|deodorant|anti-?\s*perspirant|callosit", {"skin"}),
        (r"\bface|facial", {"face"}),
        (r"\blips?\b|lipstick", {"lip"}),
        (r"mucous membrane", {"oral", "eye", "lip"}),
        (r"depilator", {"depilatory"}),
        (r"professional", {"professional"}),
        (r"\bothers?\s+(?:[\w-]+\s+){0,3}?(?:products?|produts|uses?)\b", {"other"}),
    )
)
_EXCLUSION = re.compile(
    r"\b(?:except(?:ion of)?|excluding|not to be used|other than)\b", re.IGNORECASE
)
_PARENS = re.compile(r"\([^()]*\)")
# Product-side synonyms accepted by check_formula (free words are matched like annex text).
_IMPLIED = {"face": {"skin"}, "depilatory": {"skin"}}


def _keywords(text: str) -> set[str]:
    found: set[str] = set()
    for pattern, scopes in _KEYWORDS:
        if pattern.search(text):
            found |= scopes
    return found


def detect_scopes(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(scopes, excluded_scopes) named in a product-type text.

    Parenthesised asides are dropped ("Leave-on skin products (except face makeup ...)"):
    they refine a category, and reading them as scopes would invert their meaning. On each
    line, whatever follows "except"/"not to be used"/"other than" is an exclusion.
    """
    scopes: set[str] = set()
    excluded: set[str] = set()
    stripped = text or ""
    while _PARENS.search(stripped):
        stripped = _PARENS.sub(" ", stripped)
    for line in re.split(r"[\n.;]", stripped):
        match = _EXCLUSION.search(line)
        head, tail = (line[: match.start()], line[match.end() :]) if match else (line, "")
        scopes |= _keywords(head)
        excluded |= _keywords(tail) - {"other", "professional"}
    return frozenset(scopes), frozenset(excluded)


def product_scopes(product_type: str | None, body_area: str | None) -> frozenset[str]:
    """Scopes of the product under check, from API values like "leave_on" and "face"."""
    words = " ".join(v.replace("_", "-") for v in (product_type, body_area) if v)
    scopes = _keywords(words) - {"other"}
    for scope, implied in _IMPLIED.items():
        if scope in scopes:
            scopes |= implied
    return frozenset(scopes)


def _without_other(category: UseCategory) -> UseCategory:
    """The category with its "other products" marker removed, for plain scope tests."""
    return UseCategory(
        category.label,
        category.product_type_text,
        category.scopes - {"other"},
        category.excluded_scopes,
    )


def _status(category: UseCategory, product: frozenset[str]) -> str:
    """'yes', 'maybe' or 'no': does the category apply to the product?"""
    if category.excluded_scopes & product:
        return "no"
    if "professional" in category.scopes and "professional" not in product:
        return "no"
    if not category.scopes and not category.excluded_scopes:
        # Unlabelled = the entry's only category, valid for every product; a labelled one
        # whose text names no known scope ("Hydroalcoholic-based fragrances") is unknown.
        return "yes" if not category.label else "maybe"
    verdict = "yes"
    for dimension in (FORM_SCOPES, AREA_SCOPES):
        wanted = category.scopes & dimension
        if not wanted:
            continue
        have = product & dimension
        if not have:
            verdict = "maybe"  # the product does not say; the category may apply
        elif not wanted & have:
            return "no"
    return verdict


def applicable_categories(
    categories: Iterable[UseCategory], product: frozenset[str]
) -> tuple[list[UseCategory], bool]:
    """Categories whose limits apply to the product, and whether the choice is certain.

    Among definite matches the most specific ones win (most scopes shared with the
    product: a leave-on face cream picks "Leave-on skin products" over "Deodorant"); a
    professional product prefers categories reserved to professionals. Categories that
    may apply because the product description is silent are always added, so the caller's
    strictest-limit rule (spec 06 §5 rule 6) resolves the ambiguity conservatively. The
    "other products" categories apply only when no specific category does.
    """
    cats = list(categories)
    specific = [c for c in cats if "other" not in c.scopes]
    fallback = [c for c in cats if "other" in c.scopes]
    definite = [c for c in specific if _status(c, product) == "yes"]
    maybe = [c for c in specific if _status(c, product) == "maybe"]
    if "professional" in product and any("professional" in c.scopes for c in definite):
        definite = [c for c in definite if "professional" in c.scopes]
    if definite:
        best = max(len(c.scopes & product) for c in definite)
        return [c for c in definite if len(c.scopes & product) == best] + maybe, not maybe
    others = [c for c in fallback if _status(_without_other(c), product) != "no"]
    return maybe + others, not maybe
