"""Annex clauses ("Not to be used in products for children under 3 years of age", "... exposure of
the end-user's lungs by inhalation", "Professional use") read as structured permitted-use
restrictions and evaluated against the product description (issue 12 item 2).

A violated restriction is a blocking finding. Only text that is a warning to print stays a label
warning (the "Wording of conditions of use and warnings" column, apart from the inhalation/spray
clauses that the annexes also put there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from app.engines.regulatory.labels import category_root, segments_by_label

Rule = str  # children | toothpaste_children | nappy | inhalation | spray | oral | mucous | eye |
# lip | body_lotion | professional


@dataclass(frozen=True, slots=True)
class Restriction:
    """One permitted-use restriction of an entry; `labels` empty = every category."""

    rule: Rule
    text: str
    labels: tuple[str, ...] = ()
    exceptions: frozenset[str] = frozenset()
    age: int | None = None
    # "only_in": the product must have these tags in every dimension they name (TFDA "限用於…").
    required: frozenset[str] = frozenset()

    def violated(self, product: frozenset[str]) -> bool:
        """Whether the product (rule tags, see product.py) breaks the restriction."""
        if self.exceptions and self._excepted(product):
            return False
        rule = self.rule
        if rule == "children":
            return "children" in product
        if rule == "toothpaste_children":
            return "children" in product and "oral" in product and "mouthwash" not in product
        if rule == "nappy":
            return "nappy" in product and "leave_on" in product
        if rule == "inhalation":
            return bool(product & {"spray", "powder"})
        if rule == "spray":
            return "spray" in product
        if rule == "oral":
            return "oral" in product
        if rule == "mucous":
            return bool(product & {"oral", "lip", "eye", "intimate"})
        if rule == "eye":
            return "eye" in product
        if rule == "lip":
            return "lip" in product
        if rule == "body_lotion":
            return "body" in product and "leave_on" in product
        if rule == "professional":
            return "professional" not in product
        if rule == "hair_dye":
            return "hair_dye" in product
        if rule == "only_in":
            from app.engines.regulatory.product import CategoryTags, status

            return status(CategoryTags("", self.required, frozenset()), product) == "no"
        return False

    def _excepted(self, product: frozenset[str]) -> bool:
        ex = self.exceptions
        if "shampoo" in ex and {"rinse_off", "hair"} <= product:
            return True
        if "shower_gel" in ex and {"rinse_off", "body"} <= product:
            return True
        if "bath" in ex and "bath" in product:
            return True
        return "mouthwash" in ex and "mouthwash" in product


_NOT = r"not\s+to\s+be\s+used|shall\s+not\s+be\s+used|must\s+not\s+be\s+used"
_CLAUSES: tuple[tuple[re.Pattern[str], Rule], ...] = tuple(
    (re.compile(p, re.IGNORECASE | re.DOTALL), r)
    for p, r in (
        (rf"(?:{_NOT})[^.]*?toothpaste[^.]*?children\s+under\s+(\w+)", "toothpaste_children"),
        (rf"(?:{_NOT})[^.]*?nappy\s+area", "nappy"),
        (
            rf"(?:{_NOT})[^.]*?(?:products?|preparations?|\bin)\s+(?:intended\s+)?for\s+children"
            r"\s+under\s+(\w+)",
            "children",
        ),
        (rf"(?:{_NOT})?[^.]*?exposure\s+of\s+the\s+end[\s-]*user.?s\s+lungs", "inhalation"),
        (rf"(?:{_NOT})[^.]*?(?:aerosol|spray)", "spray"),
        (rf"(?:{_NOT})[^.]*?\boral\b", "oral"),
        (rf"(?:{_NOT})[^.]*?mucous\s+membrane", "mucous"),
        (rf"(?:{_NOT})[^.]*?\beye", "eye"),
        (rf"(?:{_NOT})[^.]*?\blip", "lip"),
        (rf"(?:{_NOT})[^.]*?body\s+lotion", "body_lotion"),
        (r"^\s*(?:for\s+)?professional\s+use(?:\s+only)?\s*\.?\s*$", "professional"),
    )
)
_EXCEPT = re.compile(r"\b(?:except|other than)\b([^.]*)", re.IGNORECASE)
_WORDS = {"three": 3, "six": 6, "ten": 10}
# In the warnings column only these are use restrictions; the rest is text to print.
_WARNING_COLUMN_RULES = frozenset({"inhalation"})


def _exceptions(sentence: str) -> frozenset[str]:
    out: set[str] = set()
    for m in _EXCEPT.finditer(sentence):
        tail = m.group(1).casefold()
        if "shampoo" in tail:
            out.add("shampoo")
        if "shower gel" in tail:
            out.add("shower_gel")
        if "bath" in tail:
            out.add("bath")
        if "mouthwash" in tail:
            out.add("mouthwash")
    return frozenset(out)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.;])\s+|\n+", text or "") if s.strip()]


def _from_segment(text: str, labels: tuple[str, ...], column: str) -> list[Restriction]:
    found: list[Restriction] = []
    # "1. General use / 2. Professional use": limit tiers, not a professional-only restriction
    # (the general tier's limit is the one applied to every product, the stricter reading)
    tiers = bool(re.search(r"\bgeneral\s+use\b", text or "", re.IGNORECASE))
    for sentence in _sentences(text):
        low = sentence.casefold()
        if "placed on the" in low or "made available" in low or "purity" in low:
            continue  # transitional market dates and purity specs are not use conditions
        for pattern, rule in _CLAUSES:
            if column == "warnings" and rule not in _WARNING_COLUMN_RULES:
                continue
            if rule == "professional" and tiers:
                continue
            m = pattern.search(sentence)
            if m is None:
                continue
            exceptions = _exceptions(sentence)
            if "other than mouthwash" in low:
                exceptions = frozenset({"mouthwash"}) if rule == "oral" else frozenset()
            age = None
            if rule in ("children", "toothpaste_children") and m.groups():
                raw = m.group(1).casefold()
                age = int(raw) if raw.isdigit() else _WORDS.get(raw)
            found.append(Restriction(rule, sentence, labels, exceptions, age))
            if rule in ("toothpaste_children", "nappy"):
                break  # their sentence also says "children under", not a general ban
    return found


@lru_cache(maxsize=8192)
def parse_restrictions(
    other_text: str, warnings_text: str = "", product_type_text: str = ""
) -> tuple[Restriction, ...]:
    """Restrictions stated in an entry's "Other" cell (and inhalation clauses in its warnings)."""
    out: list[Restriction] = []
    for column, text in (("other", other_text), ("warnings", warnings_text)):
        preamble, by_label = segments_by_label(text)
        out += _from_segment(preamble, (), column)
        for label, seg in by_label.items():
            out += _from_segment(seg, (label,), column)
    # "Not to be used in products applied on mucous membranes" written as the product type.
    for sentence in _sentences(product_type_text):
        if re.match(rf"(?:{_NOT})", sentence, re.IGNORECASE):
            out += _from_segment(sentence, (), "other")
    unique: dict[tuple[str, tuple[str, ...]], Restriction] = {}
    for r in out:
        unique.setdefault((r.rule, r.labels), r)
    return tuple(unique.values())


def applies_to(restriction: Restriction, labels: frozenset[str]) -> bool:
    """Whether a labelled restriction concerns the categories applied (all when none known)."""
    if not restriction.labels or not labels:
        return True
    roots = {category_root(x) for x in labels} | set(labels)
    return any(x in roots or category_root(x) in roots for x in restriction.labels)
