"""Formula extraction for PIF Item 3: file bytes -> FormulaExtractionResult.

Pipeline: read tables -> find the header row -> data rows -> group trade-name mixtures -> resolve
each line against the INCI dictionary -> q.s. balance -> duplicates / order / total checks ->
sort by descending concentration.

Confidence: each field's rules are documented in :mod:`app.engines.formula.resolve`; the item
confidence is the minimum of all field confidences of all ingredients, so one doubtful cell makes
the whole draft need review. Bands: high >= 0.8, medium 0.5-0.8, low < 0.5 (``confidence_band``).
Formula-level findings are warnings, never errors: ``total_out_of_range`` when the total is
outside 100 ± 2 % (98.0-102.0 passes), ``not_descending`` when the document order is not by
descending concentration, ``duplicates`` when an INCI name occurs more than once.
"""

from __future__ import annotations

from collections import Counter

from app.engines.formula.errors import ExtractionError
from app.engines.formula.header import find_header
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.models import (
    ExtractedIngredient,
    ExtractionWarning,
    FieldConfidence,
    FormulaExtractionResult,
)
from app.engines.formula.readers import Table, read_tables
from app.engines.formula.resolve import Resolved, resolve_line
from app.engines.formula.rows import Line, data_rows, expand_group, group_rows
from app.engines.formula.starter import starter_dictionary

TOTAL_TARGET = 100.0
TOTAL_TOLERANCE = 2.0
_EPS = 1e-6


def extract_formula(
    data: bytes,
    filename: str,
    dictionary: IngredientDictionary | None = None,
    content_type: str = "",
) -> FormulaExtractionResult:
    """Extract the ingredient list from a formula file; raises ExtractionError if impossible."""
    if dictionary is None:
        dictionary = starter_dictionary()
    tables = read_tables(data, filename, content_type)
    lines, from_text = _collect_lines(tables, dictionary)
    if not lines:
        raise ExtractionError("no ingredient rows found below the header")
    resolved = [resolve_line(line, dictionary, from_text) for line in lines]
    warnings: list[ExtractionWarning] = []
    _apply_qs(resolved, warnings)
    _check_order(resolved, warnings)
    _flag_duplicates(resolved, warnings)
    total = round(_total(resolved), 4)
    if not TOTAL_TARGET - TOTAL_TOLERANCE - _EPS <= total <= TOTAL_TARGET + TOTAL_TOLERANCE + _EPS:
        warnings.append(
            ExtractionWarning(
                code="total_out_of_range",
                message=f"concentrations add up to {total:g} % (expected 100 ± 2 %)",
            )
        )
    missing = [r for r in resolved if "concentration_missing" in r.flags]
    if missing:
        names = ", ".join(r.inci_name or r.line.raw_name for r in missing[:5])
        warnings.append(
            ExtractionWarning(code="concentration_missing", message=f"no concentration for {names}")
        )
    ingredients = _build(resolved)
    confidence = min(
        min(i.confidence.inci_name, i.confidence.cas, i.confidence.concentration_pct)
        for i in ingredients
    )
    return FormulaExtractionResult(
        ingredients=ingredients, warnings=warnings, total_pct=total, confidence=round(confidence, 4)
    )


def _collect_lines(
    tables: list[Table], dictionary: IngredientDictionary
) -> tuple[list[Line], bool]:
    """Lines from the first table with a header plus header-less continuation tables."""

    def known(name: str) -> bool:
        return dictionary.match(name).method in ("exact", "synonym")

    lines: list[Line] = []
    header = None
    width = 0
    from_text = False
    gid = 0
    for table in tables:
        own = find_header(table.rows)
        if own is not None:
            header, width = own, max(len(r) for r in table.rows)
        elif header is None or max(len(r) for r in table.rows) != width:
            continue
        else:
            # Continuation table (next PDF page): same columns, no header row of its own.
            header = type(header)(-1, header.columns)
        from_text = from_text or table.from_text
        for group in group_rows(data_rows(table, header), known):
            gid += 1
            lines.extend(expand_group(group, gid))
    if header is None:
        raise ExtractionError(
            "no ingredient table found (no header with an ingredient/INCI column)"
        )
    return lines, from_text


def _apply_qs(resolved: list[Resolved], warnings: list[ExtractionWarning]) -> None:
    """Give the q.s. ingredient (usually water) the balance to 100 %."""
    qs = [r for r in resolved if r.line.conc.kind == "qs"]
    if not qs:
        return
    rest = _total([r for r in resolved if r.line.conc.kind != "qs"])
    balance = round(TOTAL_TARGET - rest, 6)
    for r in qs:
        r.flags.append("qs_balance")
    if len(qs) == 1 and balance >= 0:
        qs[0].value = balance
        qs[0].notes.append(f"q.s. to 100 %: balance {balance:g} %")
        return
    for r in qs:
        r.conc_conf = 0.0
    warnings.append(
        ExtractionWarning(
            code="qs_unresolved",
            message=f"{len(qs)} q.s. ingredient(s) with a balance of {balance:g} %; enter values",
        )
    )


def _total(resolved: list[Resolved]) -> float:
    """Sum of known values plus the total of each mixture whose shares are unknown (once)."""
    total = sum(r.value for r in resolved if r.value is not None)
    seen: set[int] = set()
    for r in resolved:
        gid, gt = r.line.group_id, r.line.group_total
        if r.value is None and gid is not None and gt is not None and gid not in seen:
            seen.add(gid)
            total += gt
    return total


def _sort_value(r: Resolved) -> float:
    if r.value is not None:
        return r.value
    return r.line.group_total if r.line.group_total is not None else -1.0


def _check_order(resolved: list[Resolved], warnings: list[ExtractionWarning]) -> None:
    """Warn when the document order is not by descending concentration (q.s. rows ignored)."""
    previous: float | None = None
    seen: set[int] = set()
    for r in resolved:
        if r.line.conc.kind == "qs":
            continue
        gid = r.line.group_id
        if gid is not None:
            if gid in seen:
                continue
            seen.add(gid)
            members = [x for x in resolved if x.line.group_id == gid]
            total = r.line.group_total
            value = total if total is not None else max(_sort_value(x) for x in members)
        else:
            value = _sort_value(r)
        if value < 0:
            continue
        if previous is not None and value > previous + _EPS:
            warnings.append(
                ExtractionWarning(
                    code="not_descending",
                    message=f"row {r.line.row}: {value:g} % follows {previous:g} %; "
                    "ingredients were re-sorted by descending concentration",
                )
            )
            return
        previous = value


def _flag_duplicates(resolved: list[Resolved], warnings: list[ExtractionWarning]) -> None:
    counts = Counter((r.inci_name or "").upper() for r in resolved if r.inci_name)
    dupes = sorted(name for name, n in counts.items() if n > 1)
    for r in resolved:
        if r.inci_name and r.inci_name.upper() in dupes:
            r.flags.append("duplicate")
    if dupes:
        warnings.append(
            ExtractionWarning(
                code="duplicates", message="listed more than once: " + ", ".join(dupes)
            )
        )


def _build(resolved: list[Resolved]) -> list[ExtractedIngredient]:
    # Stable sort keeps document order for ties and keeps mixture parts together.
    ordered = sorted(resolved, key=lambda r: -_sort_value(r))
    return [
        ExtractedIngredient(
            raw_name=r.line.raw_name,
            inci_name=r.inci_name,
            cas=r.cas,
            concentration_pct=None if r.value is None else round(r.value, 6),
            function=r.function or None,
            zh_name=r.zh_name or None,
            sort_order=i,
            confidence=FieldConfidence(
                inci_name=r.inci_conf, cas=r.cas_conf, concentration_pct=r.conc_conf
            ),
            flags=list(dict.fromkeys(r.flags)),
            notes="; ".join([f"row {r.line.row}", *r.notes]),
        )
        for i, r in enumerate(ordered, start=1)
    ]
