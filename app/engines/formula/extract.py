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

import re
from collections import Counter
from dataclasses import dataclass

from app.engines.formula.blends import (
    flag_trade_names,
    join_compositions,
    looks_like_composition,
    merge_same_substance,
)
from app.engines.formula.concentration import ParsedConcentration
from app.engines.formula.errors import ExtractionError, TooManyLines
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.models import (
    ExtractedIngredient,
    ExtractionWarning,
    FieldConfidence,
    FormulaExtractionResult,
    OcrSummary,
)
from app.engines.formula.ocr import ENGINE_NAME, OcrLimits
from app.engines.formula.readers import Table, read_tables
from app.engines.formula.resolve import OCR_LOW, Resolved, resolve_line
from app.engines.formula.rows import Line, RawRow, expand_group, group_rows
from app.engines.formula.starter import starter_dictionary
from app.engines.formula.tables import Block, select_blocks

TOTAL_TARGET = 100.0
TOTAL_TOLERANCE = 2.0
_EPS = 1e-6


def extract_formula(
    data: bytes,
    filename: str,
    dictionary: IngredientDictionary | None = None,
    content_type: str = "",
    ocr: OcrLimits | None = None,
    max_lines: int | None = None,
) -> FormulaExtractionResult:
    """Extract the ingredient list from a formula file; raises ExtractionError if impossible.

    Images and image-only PDF pages are OCR'd within ``ocr`` (see :mod:`.ocr`); the result's
    ``ocr`` then names the pages read that way. With ``max_lines``, a file whose line count is
    known to exceed it before matching raises TooManyLines (the count the whole run would give).
    """
    if dictionary is None:
        dictionary = starter_dictionary()
    tables = read_tables(data, filename, content_type, ocr)
    scanned = sorted({t.page or 1 for t in tables if t.ocr})
    try:
        collected = _collect_lines(tables, dictionary, max_lines)
    except ExtractionError as exc:
        raise _ocr_reason(exc, scanned) from exc
    lines = collected.lines
    if not lines:
        raise _ocr_reason(
            ExtractionError(
                f"no ingredient rows found below the header ({collected.source or 'document'})"
            ),
            scanned,
        )
    resolved = [resolve_line(line, dictionary, collected.from_text) for line in lines]
    flag_trade_names(resolved)
    warnings: list[ExtractionWarning] = list(collected.warnings)
    _apply_qs(resolved, warnings)
    _check_order(resolved, warnings)
    resolved = merge_same_substance(resolved)
    _flag_duplicates(resolved, warnings)
    total = round(_total(resolved), 4)
    if not TOTAL_TARGET - TOTAL_TOLERANCE - _EPS <= total <= TOTAL_TARGET + TOTAL_TOLERANCE + _EPS:
        warnings.append(
            ExtractionWarning(
                code="total_out_of_range",
                message=f"concentrations add up to {total:g} % (expected 100 ± 2 %)",
            )
        )
    unresolved = [r.line.raw_name for r in resolved if "blend_unresolved" in r.flags]
    if unresolved:
        warnings.append(
            ExtractionWarning(
                code="blend_unresolved",
                message="trade-name raw material(s) without a composition: "
                + ", ".join(unresolved[:5]),
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
        ingredients=ingredients,
        warnings=warnings,
        total_pct=total,
        confidence=round(confidence, 4),
        source_table=collected.source,
        skipped_tables=collected.skipped,
        ocr=_ocr_summary(tables, scanned),
    )


def _ocr_reason(exc: ExtractionError, scanned: list[int]) -> ExtractionError:
    """Say that the file was a scan when the table could not be found in the OCR'd text."""
    if not scanned:
        return exc
    pages = ", ".join(str(p) for p in scanned)
    return ExtractionError(f"scan read by OCR (page(s) {pages}), but {exc.reason}")


def _ocr_summary(tables: list[Table], scanned: list[int]) -> OcrSummary | None:
    scores = [v for t in tables if t.ocr for v in t.confidence.values()]
    if not scanned:
        return None
    return OcrSummary(
        engine=ENGINE_NAME,
        pages=scanned,
        mean_confidence=round(sum(scores) / len(scores), 4) if scores else 0.0,
        low_confidence_cells=sum(v < OCR_LOW for v in scores),
    )


@dataclass
class _Collected:
    lines: list[Line]
    from_text: bool
    source: str | None
    skipped: list[str]
    warnings: list[ExtractionWarning]


def _collect_lines(
    tables: list[Table], dictionary: IngredientDictionary, max_lines: int | None = None
) -> _Collected:
    """Lines of the formula blocks, fractions scaled, blend compositions joined."""

    def known(name: str) -> bool:
        return dictionary.match(name).method in ("exact", "synonym")

    selection = select_blocks(tables)
    if not selection.main:
        reasons = "; ".join(selection.skipped)
        raise ExtractionError(
            "no ingredient table found (no header with an ingredient/INCI column)"
            + (f": {reasons}" if reasons else "")
        )
    warnings: list[ExtractionWarning] = []
    gid = 0

    def expand(rows: list[RawRow], table: Table) -> list[Line]:
        nonlocal gid
        out: list[Line] = []
        for group in group_rows(rows, known):
            gid += 1
            out.extend(expand_group(group, gid))
        for line in out:
            line.ocr_page = table.page if table.ocr else None
        return out

    lines: list[Line] = []
    for block in selection.main:
        lines.extend(expand(block.rows, block.table))
    if max_lines is not None and len(lines) > max_lines and _count_is_final(lines, selection.extra):
        raise TooManyLines(len(lines))  # before matching every line (seconds for 2,000 of them)
    _scale_fractions(lines, selection.main[0].header.labels.get("conc", ""), warnings)
    known_lines = {i for i, line in enumerate(lines) if known(line.raw_name)}
    lines, used = join_compositions(lines, selection.extra, known_lines, gid + 1000)
    skipped = list(selection.skipped)
    main_tables = {id(b.table) for b in selection.main}
    for i, block in enumerate(selection.extra):
        if i in used:
            skipped.append(f"{block.label}: composition joined to its trade-name line")
        elif looks_like_composition(block):
            skipped.append(f"{block.label}: composition table not referenced by any line")
        elif id(block.table) in main_tables:
            skipped.append(f"{block.label}: table below the formula's end, not read")
        else:
            lines.extend(expand(block.rows, block.table))  # a table continued with its own header
    from_text = any(b.table.from_text for b in selection.main)
    return _Collected(lines, from_text, selection.source, skipped, warnings)


def _count_is_final(lines: list[Line], extra: list[Block]) -> bool:
    """True when the result will have exactly these lines.

    Resolving, finalising and building are one-to-one; only composition tables (``extra``:
    joined or appended) add lines and only blend parts (``from_blend``) merge them away.
    """
    return not extra and not any(line.from_blend for line in lines)


_FRACTION_HEADER = re.compile(r"fraction|分率|比率|\bg\s*/\s*g\b|w\s*/\s*w", re.IGNORECASE)
_FRACTION_SUM = (0.98, 1.02)


def _scale_fractions(lines: list[Line], label: str, warnings: list[ExtractionWarning]) -> None:
    """Scale a mass-fraction column (values adding up to ~1) to percent, flagging each line."""
    values: list[float] = []
    groups: set[int] = set()
    for line in lines:
        if line.conc.value is None:
            continue
        if line.group_id is not None and line.group_total is not None:
            if line.group_id not in groups:
                groups.add(line.group_id)
                values.append(line.group_total)
            continue
        values.append(line.conc.value)
    if not values or max(values) > 1.0:
        return
    total = sum(values)
    has_qs = any(line.conc.kind == "qs" for line in lines)
    # Explicit values adding up to ~1 cannot be a percent formula, whatever the header says.
    by_sum = not has_qs and _FRACTION_SUM[0] <= total <= _FRACTION_SUM[1]
    by_header = (
        "%" not in label and bool(_FRACTION_HEADER.search(label)) and total <= _FRACTION_SUM[1]
    )
    if not (by_sum or (by_header and has_qs)):
        return
    for line in lines:
        c = line.conc
        if c.value is not None:
            lower = None if c.lower is None else round(c.lower * 100, 6)
            line.conc = ParsedConcentration(
                round(c.value * 100, 6), c.kind, c.comma_decimal, c.noisy, lower
            )
            line.flags.append("fraction_scaled")
        if line.group_total is not None:
            line.group_total = round(line.group_total * 100, 6)
    warnings.append(
        ExtractionWarning(
            code="fraction_scaled",
            message=f"concentrations were mass fractions (sum {total:g}); scaled x100 to %",
        )
    )


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


def _order_values(resolved: list[Resolved]) -> list[tuple[Resolved, float]]:
    """Document-order values (q.s. rows ignored, each mixture once at its total)."""
    out: list[tuple[Resolved, float]] = []
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
        if value >= 0:
            out.append((r, value))
    return out


def _first_rise(values: list[tuple[Resolved, float]]) -> tuple[Resolved, float, float] | None:
    previous: float | None = None
    for r, value in values:
        if previous is not None and value > previous + _EPS:
            return r, value, previous
        previous = value
    return None


def _check_order(resolved: list[Resolved], warnings: list[ExtractionWarning]) -> None:
    """Warn when the document order is not by descending concentration (q.s. rows ignored).

    A sheet written in phases (a phase column or "Phase A" / "A相" heading rows) is expected to
    descend only within each phase: the order is explained and no warning is given.
    """
    values = _order_values(resolved)
    rise = _first_rise(values)
    if rise is None:
        return
    phases = [r.line.phase for r, _ in values]
    if all(phases) and len(set(phases)) > 1:
        rises = [
            _first_rise([v for v in values if v[0].line.phase == p]) for p in dict.fromkeys(phases)
        ]
        rise = next((x for x in rises if x is not None), None)
        if rise is None:
            return
    r, value, previous = rise
    where = f" (phase {r.line.phase})" if r.line.phase else ""
    warnings.append(
        ExtractionWarning(
            code="not_descending",
            message=f"row {r.line.row}{where}: {value:g} % follows {previous:g} %; "
            "ingredients were re-sorted by descending concentration",
        )
    )


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
            from_blend=r.line.from_blend,
            candidates=r.candidates,
            phase=r.line.phase or None,
        )
        for i, r in enumerate(ordered, start=1)
    ]
