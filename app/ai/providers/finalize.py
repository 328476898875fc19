"""Provider-independent validation of AI outputs: the same checks and confidence rules.

Whatever produced a formula draft (local parser or a model), :func:`finalize_extraction`
re-applies the formula engine's rules on the final rows. Confidences are only ever lowered:

* CAS: normalised; bad format -> ``cas_invalid_format`` and cas confidence <= 0.1; wrong check
  digit -> ``cas_checksum_invalid``, <= 0.1; a valid CAS the dictionary lists for a different
  substance than the named INCI -> ``cas_mismatch``, <= 0.4 (values of
  :mod:`app.engines.formula.resolve`);
* INCI name not found in the dictionary (no exact or synonym hit) -> ``unmatched``, <= 0.3;
  a fuzzy hit -> ``fuzzy_match``, <= 0.9 x score (an unchecked model guess is never green);
* concentration outside [0, 100] -> ``concentration_invalid``, confidence 0;
* duplicates flagged; rows re-sorted by descending concentration (rows without a value stay
  after their predecessor) with ``not_descending`` when the order changed and no phase structure
  explains it (every row has a phase, values descend within each); total 100 ± 2 %
  (``total_out_of_range``); item confidence = minimum field confidence (as the formula engine).

The claimed total is kept only when rows without a value (mixture shares) explain it.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from app.ai.providers.base import NormalizedName
from app.engines.formula.errors import ExtractionError
from app.engines.formula.extract import TOTAL_TARGET, TOTAL_TOLERANCE
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.models import (
    ExtractedIngredient,
    ExtractionWarning,
    FormulaExtractionResult,
    IngredientFlag,
    WarningCode,
)
from app.engines.formula.resolve import _name_confidence, alternative_cas_note
from app.engines.substance import clean_cas_text, is_valid_cas, normalize_cas

_EPS = 1e-6


def _cap(value: float, ceiling: float) -> float:
    return round(min(value, ceiling), 4)


def _check_row(
    row: ExtractedIngredient, dictionary: IngredientDictionary | None
) -> ExtractedIngredient:
    flags: list[IngredientFlag] = list(row.flags)
    conf = row.confidence.model_copy()
    cas = normalize_cas(row.cas) or clean_cas_text(row.cas)
    if cas is not None and normalize_cas(cas) is None:
        flags.append("cas_invalid_format")
        conf.cas = _cap(conf.cas, 0.1)
    elif cas is not None and not is_valid_cas(cas):
        flags.append("cas_checksum_invalid")
        conf.cas = _cap(conf.cas, 0.1)
    inci = row.inci_name
    if dictionary is not None and inci:
        match = dictionary.match(inci)
        if match.method == "none":
            flags.append("unmatched")
            conf.inci_name = _cap(conf.inci_name, 0.3)
        else:
            inci = match.inci_name
            conf.inci_name = _cap(conf.inci_name, _name_confidence(match))
            if match.method == "fuzzy":
                flags.append("fuzzy_match")
        known = match.entry.cas_numbers if match.entry else ()
        if cas and is_valid_cas(cas) and known and cas not in known:
            if alternative_cas_note(inci, cas) is not None:
                flags.append("cas_alternative")
            else:
                flags.append("cas_mismatch")
                conf.cas = _cap(conf.cas, 0.4)
    value = row.concentration_pct
    if value is not None and not 0.0 <= value <= 100.0:
        flags.append("concentration_invalid")
        conf.concentration_pct = 0.0
    return row.model_copy(
        update={
            "cas": cas,
            "inci_name": inci,
            "confidence": conf,
            "flags": list(dict.fromkeys(flags)),
        }
    )


def _sorted(rows: list[ExtractedIngredient]) -> tuple[list[ExtractedIngredient], bool]:
    keys: list[float] = []
    for row in rows:
        # A row without a value keeps the key of the row before it (mixture parts stay together).
        value = row.concentration_pct
        keys.append(value if value is not None else (keys[-1] if keys else float("inf")))
    order = sorted(range(len(rows)), key=lambda i: -keys[i])
    return [rows[i] for i in order], order != list(range(len(rows)))


def _phase_ordered(rows: list[ExtractedIngredient]) -> bool:
    """Every row has a phase, there are several, and values descend within each phase."""
    phases = [r.phase for r in rows]
    if not all(phases) or len(set(phases)) < 2:
        return False
    for phase in dict.fromkeys(phases):
        values = [r.concentration_pct for r in rows if r.phase == phase]
        known = [v for v in values if v is not None]
        if any(b > a + _EPS for a, b in pairwise(known)):
            return False
    return True


def _warn(warnings: list[ExtractionWarning], code: WarningCode, message: str) -> None:
    if all(w.code != code for w in warnings):
        warnings.append(ExtractionWarning(code=code, message=message))


def finalize_extraction(
    result: FormulaExtractionResult, dictionary: IngredientDictionary | None = None
) -> FormulaExtractionResult:
    """Re-apply the formula rules to any provider's draft; raises ExtractionError when empty."""
    if not result.ingredients:
        raise ExtractionError("no ingredient rows found")
    rows = [_check_row(r, dictionary) for r in result.ingredients]
    warnings = list(result.warnings)
    counts = Counter((r.inci_name or "").upper() for r in rows if r.inci_name)
    dupes = sorted(n for n, c in counts.items() if c > 1)
    if dupes:
        rows = [
            r.model_copy(update={"flags": list(dict.fromkeys([*r.flags, "duplicate"]))})
            if (r.inci_name or "").upper() in dupes
            else r
            for r in rows
        ]
        _warn(warnings, "duplicates", "listed more than once: " + ", ".join(dupes))
    explained = _phase_ordered(rows)
    rows, moved = _sorted(rows)
    if moved and not explained:
        _warn(warnings, "not_descending", "ingredients were re-sorted by descending concentration")
    rows = [r.model_copy(update={"sort_order": i}) for i, r in enumerate(rows, start=1)]
    known = round(sum(r.concentration_pct or 0.0 for r in rows), 4)
    unknown_shares = any(r.concentration_pct is None and "mixture_part" in r.flags for r in rows)
    total = result.total_pct if unknown_shares and result.total_pct >= known else known
    if abs(total - TOTAL_TARGET) > TOTAL_TOLERANCE + _EPS:
        _warn(
            warnings,
            "total_out_of_range",
            f"concentrations add up to {total:g} % (expected 100 ± 2 %)",
        )
    confidence = min(
        min(r.confidence.inci_name, r.confidence.cas, r.confidence.concentration_pct) for r in rows
    )
    return FormulaExtractionResult(
        ingredients=rows,
        warnings=warnings,
        total_pct=total,
        confidence=round(confidence, 4),
        source_table=result.source_table,
        skipped_tables=result.skipped_tables,
        ocr=result.ocr,
    )


def finalize_name(name: NormalizedName, dictionary: IngredientDictionary | None) -> NormalizedName:
    """Canonicalise a normalised name against the dictionary and cap unverified confidence."""
    if dictionary is None or not name.inci_name:
        return name
    match = dictionary.match(name.inci_name)
    if match.method in ("exact", "synonym") and match.inci_name:
        return name.model_copy(update={"inci_name": match.inci_name})
    # A name the dictionary does not know stays visible but never lands in the green band.
    return name.model_copy(update={"confidence": min(name.confidence, 0.5)})
