"""Turn product-type / maximum-concentration / other cells into scoped limits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.engines.regulatory.labels import category_root, segments_by_label
from app.engines.regulatory.models import ScopedLimit, UseCategory
from app.engines.regulatory.scopes import detect_scopes
from app.engines.regulatory.textparse import (
    disclosure_thresholds,
    parse_amounts,
    split_disclosure,
)

_PROFESSIONAL = re.compile(r"professional", re.IGNORECASE)
_GENERAL = re.compile(r"general\s+(?:use|consumers?)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ParsedLimits:
    """Result of reading one entry's restriction cells."""

    categories: tuple[UseCategory, ...]
    limits: tuple[ScopedLimit, ...]
    max_concentration_pct: float | None
    disclosure_leave_on_pct: float | None
    disclosure_rinse_off_pct: float | None
    conditions_text: str


def _is_professional(*texts: str) -> bool:
    joined = " ".join(texts)
    return bool(_PROFESSIONAL.search(joined)) and not _GENERAL.search(joined)


def _meaningful(text: str) -> str:
    """Text unless it holds nothing but category labels ("(a) (b)" left before a clause)."""
    residue = re.sub(r"\(?\b[a-n]\)|\((?:i{1,3}|iv|vi{0,3})\)|[\s,;:.]|\band\b|\bfor\b", "", text)
    return text.strip() if residue else ""


def build_limits(product_type_text: str, max_text: str, other_text: str) -> ParsedLimits:
    """Parse the restriction cells of one entry (spec 06 §5 rules 1-5).

    Limits come from the maximum-concentration cell only; the "Other" cell carries
    conditions (pH, purity, on-head limits "after mixing", which cannot be compared with a
    formula concentration) and the labelling disclosure clause.

    Rule for a category holding several values: values under roman sub-labels
    ("(a) (i) 8% (ii) 11%") become separate limits, and a sub-label whose text in the
    maximum or "Other" cell says "professional use" only applies to professional products.
    Without sub-labels the first value stated is the limit; later values in the same
    category are qualifiers of it in every row of the 2025 export (combined-use caps,
    "as zirconium" re-expressions, exceptions), see parse_amounts() for skipped values.
    """
    max_before, max_clause = split_disclosure(max_text)
    other_before, other_clause = split_disclosure(other_text)
    leave_on, rinse_off = disclosure_thresholds(other_clause or max_clause)

    pt_pre, pt_map = segments_by_label(product_type_text)
    mx_pre, mx_map = segments_by_label(max_before)
    _, ot_map = segments_by_label(other_before)
    _, pre_excluded = detect_scopes(pt_pre)

    categories: dict[str, UseCategory] = {}

    def add_category(label: str, text: str, extra: str = "") -> None:
        scopes, excluded = detect_scopes(f"{text}\n{extra}")
        if _is_professional(mx_map.get(label, ""), ot_map.get(label, "")):
            scopes |= {"professional"}
        categories[label] = UseCategory(label, text.strip(), scopes, excluded | pre_excluded)

    for label, text in pt_map.items():
        add_category(label, text)
    for label in mx_map:
        if label in categories:
            continue
        root = category_root(label)
        if root in pt_map:
            add_category(label, pt_map[root])
        else:
            add_category(label, product_type_text, mx_map[label])
    for label in ot_map:
        root = category_root(label)
        if label != root and root in categories and label not in categories:
            add_category(label, categories[root].product_type_text)

    limits: list[ScopedLimit] = []
    single: float | None = None
    if mx_map:
        for label, text in mx_map.items():
            values = parse_amounts(text)
            if values:
                cat = categories[label]
                limits.append(
                    ScopedLimit(
                        label, cat.product_type_text, cat.scopes, values[0], cat.excluded_scopes
                    )
                )
    else:
        values = parse_amounts(mx_pre)
        if values:
            single = values[0]
            if not categories:
                add_category("", product_type_text, mx_pre)
            for cat in categories.values():
                limits.append(
                    ScopedLimit(
                        cat.label, cat.product_type_text, cat.scopes, single, cat.excluded_scopes
                    )
                )
    if not categories and product_type_text.strip():
        add_category("", product_type_text)
    return ParsedLimits(
        categories=tuple(categories.values()),
        limits=tuple(limits),
        max_concentration_pct=single,
        disclosure_leave_on_pct=leave_on,
        disclosure_rinse_off_pct=rinse_off,
        conditions_text=_meaningful(other_before),
    )
