"""Pure formula compliance check against indexed regulatory lists (spec 04 §5, 06 §5-§6)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.engines.regulatory.findings import (
    POSITIVE_LISTS,
    SEVERITIES,
    CheckReport,
    Finding,
    FormulaLine,
    Kind,
    Severity,
    summarize,
)
from app.engines.regulatory.index import RuleIndex
from app.engines.regulatory.labels import category_root, segments_by_label
from app.engines.regulatory.models import RegulatedEntry
from app.engines.regulatory.scopes import applicable_categories, product_scopes
from app.engines.regulatory.textparse import parse_amounts
from app.engines.substance import first_valid_cas

LineInput = FormulaLine | tuple[str, str | None, float | None]

__all__ = ["RuleIndex", "check_formula", "time_check_formula"]


@dataclass(frozen=True, slots=True)
class _Applicable:
    limit: float | None
    certain: bool
    outside_use: bool
    labels: frozenset[str]


def _as_line(raw: LineInput) -> FormulaLine:
    if isinstance(raw, FormulaLine):
        return raw
    inci, cas, conc, *rest = (*raw, None)
    function = rest[0] if rest and isinstance(rest[0], str) else None
    return FormulaLine(str(inci or ""), cas, conc, function)


def _applicable(entry: RegulatedEntry, product: frozenset[str]) -> _Applicable:
    """The limit that applies to the product (strictest when undetermined)."""
    if not entry.categories:
        limits = [lim.max_pct for lim in entry.limits]
        return _Applicable(min(limits) if limits else None, True, False, frozenset())
    cats, certain = applicable_categories(entry.categories, product)
    if not cats:
        return _Applicable(None, True, True, frozenset())
    labels = frozenset(c.label for c in cats)
    values = [lim.max_pct for lim in entry.limits if lim.category_label in labels]
    return _Applicable(min(values) if values else None, certain, False, labels)


def _disclosure_threshold(entry: RegulatedEntry, product: frozenset[str]) -> float | None:
    """Label threshold: rinse-off value only for rinse-off products, else the leave-on one."""
    if "rinse_off" in product and "leave_on" not in product:
        return entry.disclosure_rinse_off_pct or entry.disclosure_leave_on_pct
    return entry.disclosure_leave_on_pct or entry.disclosure_rinse_off_pct


def _warnings_for(entry: RegulatedEntry, labels: frozenset[str]) -> str:
    """Warning text for the applicable categories (all of it when none was determined)."""
    preamble, by_label = segments_by_label(entry.warnings_text)
    if not by_label or not labels:
        return entry.warnings_text
    roots = {category_root(label) for label in labels} | labels
    parts = [preamble] + [
        t for lab, t in by_label.items() if lab in roots or category_root(lab) in roots
    ]
    return "\n".join(p for p in parts if p).strip()


def _unparsed_limit(entry: RegulatedEntry) -> str:
    """Limit text the parser could not turn into a product limit ("" when there is none)."""
    if entry.max_text:
        return entry.max_text
    return entry.conditions_text if parse_amounts(entry.conditions_text) else ""


class _Emitter:
    """Collects findings for one line with the entry's citation attached."""

    def __init__(self, line: FormulaLine) -> None:
        self.line = line
        self.cas = first_valid_cas(line.cas) or (line.cas or None)
        self.findings: list[Finding] = []

    def add(
        self,
        entry: RegulatedEntry,
        kind: Kind,
        severity: Severity,
        message: str,
        allowed: float | None = None,
        binding: bool = True,
    ) -> None:
        self.findings.append(
            Finding(
                ingredient=self.line.inci,
                cas=self.cas,
                kind=kind,
                severity=severity,
                actual=self.line.safe_concentration,
                allowed=allowed,
                jurisdiction=entry.jurisdiction,
                binding=binding,
                reference=entry.reference,
                citation=entry.citation,
                message=message,
            )
        )


def _check_entry(out: _Emitter, entry: RegulatedEntry, product: frozenset[str]) -> None:
    conc = out.line.safe_concentration
    ref = entry.reference
    if entry.list_type == "prohibited":
        out.add(entry, "prohibited", "critical", f"Prohibited substance ({ref}); remove it.")
        return
    app = _applicable(entry, product)
    if conc is None:
        out.add(
            entry,
            "condition",
            "high",
            f"Listed in {ref} but the concentration is unknown; review required.",
            allowed=app.limit,
        )
    elif app.outside_use:
        out.add(
            entry,
            "condition",
            "high",
            f"Product type is not among the permitted uses in {ref}: "
            f"{entry.product_type_text!r}; review required.",
        )
    elif app.limit is not None and conc > app.limit:
        basis = "" if app.certain else " (strictest category; product type undetermined)"
        out.add(
            entry,
            "over_limit",
            "high",
            f"{conc:g} % exceeds the {app.limit:g} % limit of {ref}{basis}.",
            allowed=app.limit,
        )
    elif app.limit is None and not entry.limits and (unparsed := _unparsed_limit(entry)):
        # E.g. hair dyes: "after mixing ... must not exceed 2 %" needs the mixing ratio.
        out.add(
            entry,
            "condition",
            "medium",
            f"{ref} states a limit that cannot be compared automatically: "
            f"{unparsed!r}; review required.",
        )
    threshold = _disclosure_threshold(entry, product)
    if threshold is not None and conc is not None and conc > threshold:
        out.add(
            entry,
            "disclosure",
            "low",
            f"Above the {threshold:g} % labelling threshold of {ref}: name it in the "
            "ingredient list (labelling duty, not a concentration limit).",
            allowed=threshold,
        )
    warnings = _warnings_for(entry, app.labels)
    if warnings and (conc is None or conc > 0):
        out.add(entry, "label_warning", "medium", f"Required label text ({ref}): {warnings}")
    if entry.conditions_text and (conc is None or conc > 0):
        out.add(entry, "condition", "info", f"Conditions of use ({ref}): {entry.conditions_text}")


def _apply_hierarchy(
    out: _Emitter, tw_entries: list[RegulatedEntry], product: frozenset[str]
) -> None:
    """Spec 06 §6: a met TFDA limit downgrades EU limit/use findings to advisory."""
    conc = out.line.safe_concentration
    if conc is None:
        return
    tw_limits = [
        a.limit
        for e in tw_entries
        if e.list_type != "prohibited"
        if (a := _applicable(e, product)).limit is not None and not a.outside_use
    ]
    tw_exceeded = any(f.jurisdiction == "TW" and f.kind == "over_limit" for f in out.findings)
    if not tw_limits or tw_exceeded or conc > min(tw_limits):
        return
    tw_max = min(tw_limits)
    for i, f in enumerate(out.findings):
        downgradable = f.kind == "over_limit" or (f.kind == "condition" and f.severity == "high")
        if f.jurisdiction == "EU" and downgradable:
            out.findings[i] = f.model_copy(
                update={
                    "binding": False,
                    "severity": "low",
                    "message": f"Advisory (TFDA limit {tw_max:g} % is met): {f.message}",
                }
            )


def _positive_lists(out: _Emitter, index: RuleIndex, matched: list[RegulatedEntry]) -> None:
    wanted = out.line.positive_list
    if wanted not in POSITIVE_LISTS:
        return
    on_list = {e.jurisdiction for e in matched if e.list_type == wanted}
    for jurisdiction in ("TW", "EU"):
        if not index.has_list(jurisdiction, wanted) or jurisdiction in on_list:
            continue
        citation = index.list_citations[(jurisdiction, wanted)]
        binding = not (jurisdiction == "EU" and "TW" in on_list)
        out.findings.append(
            Finding(
                ingredient=out.line.inci,
                cas=out.cas,
                kind="not_on_positive_list",
                severity="high" if binding else "low",
                actual=out.line.safe_concentration,
                allowed=None,
                jurisdiction=jurisdiction,
                binding=binding,
                reference=f"{jurisdiction} {wanted} list",
                citation=citation,
                message=f"Declared as {wanted} but not on the {jurisdiction} {wanted} list.",
            )
        )


def check_formula(
    index: RuleIndex,
    product_type: str | None,
    body_area: str | None,
    lines: Iterable[LineInput],
) -> CheckReport:
    """Check formula lines against the indexed lists and return findings plus summary."""
    product = product_scopes(product_type, body_area)
    findings: list[Finding] = []
    for raw in lines:
        line = _as_line(raw)
        out = _Emitter(line)
        matched = index.match(line.inci, line.cas)
        for entry in matched:
            _check_entry(out, entry, product)
        _apply_hierarchy(out, [e for e in matched if e.jurisdiction == "TW"], product)
        _positive_lists(out, index, matched)
        findings.extend(out.findings)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order[f.severity], f.ingredient.casefold(), f.reference))
    return CheckReport(findings=findings, summary=summarize(findings, index.list_citations))


def time_check_formula(
    index: RuleIndex,
    lines: Sequence[LineInput],
    product_type: str | None = "leave_on",
    body_area: str | None = "face",
    repeat: int = 50,
) -> float:
    """Median wall time of check_formula in milliseconds (for benchmarks, not tests)."""
    samples: list[float] = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        check_formula(index, product_type, body_area, lines)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2]
