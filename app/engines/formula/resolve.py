"""Resolve one ingredient line against the dictionary: INCI name, CAS and field confidences.

Confidence rules (each in [0, 1]):

* inci_name: exact 1.0 (punctuation-insensitive exact 0.98); synonym 0.95; fuzzy 0.9 x score,
  raised to 0.9 when the document's CAS belongs to the matched entry and cut by 0.8x on a CAS
  mismatch; name unmatched but CAS known in the dictionary 0.75; unmatched 0.3.
* cas: document CAS valid and listed for the entry 1.0; valid but entry unknown or without CAS
  0.8 (0.7 if the name is unmatched); valid but a different substance's CAS (``cas_mismatch``)
  0.4; wrong check digit 0.1; unreadable format 0.1; absent and filled from the dictionary
  0.9 x name confidence (0.7 x if the entry lists several CAS); absent and the entry has none
  0.8 (many INCI names, e.g. extracts, have no CAS); absent and name unmatched 0.3.
* concentration_pct: plain number 0.98 (comma decimal 0.95, number amid other text 0.7); range
  0.6 (upper bound used); ``<x`` 0.7; q.s. balance 0.9; mixture share from "% in raw material"
  0.9, from sub-rows adding to the total 0.95; unknown mixture share 0.2; empty/invalid 0.0.
  Values read from free text (no real table) are multiplied by 0.9.
* OCR'd cells (scans, photos): each field's confidence is multiplied by its cell's recognition
  score, raised to at least 0.95 where the dictionary confirms the reading (an exact or synonym
  name match; a CAS listed for the matched entry). A field below 0.8 that nothing confirms adds
  ``ocr_low_confidence``, so the line is reviewed first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.engines.formula.inci import (
    IngredientDictionary,
    IngredientEntry,
    Match,
    split_zh,
)
from app.engines.formula.rows import Line
from app.engines.substance import (
    alternative_cas,
    clean_cas_text,
    is_valid_cas,
    normalize_cas,
    normalize_name,
    split_cas_cell,
)


@dataclass
class Resolved:
    """A line after dictionary resolution (concentration may still be a q.s. placeholder)."""

    line: Line
    inci_name: str | None
    cas: str | None
    value: float | None
    function: str | None
    zh_name: str | None
    inci_conf: float
    cas_conf: float
    conc_conf: float
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)


def alternative_cas_note(inci: str | None, cas: str) -> str | None:
    """Why ``cas`` is a listed alternative CAS number of ``inci`` (source cited), or None."""
    hit = alternative_cas(inci, cas) if inci else None
    if hit is None:
        return None
    return f"CAS {cas} is an alternative CAS of {hit.inci_name} ({hit.source}; {hit.source_ref})"


def _name_confidence(match: Match) -> float:
    if match.method == "exact":
        return round(match.score, 4)
    if match.method == "synonym":
        return 0.95
    if match.method == "fuzzy":
        return round(0.9 * match.score, 4)
    return 0.3


def _conc_confidence(line: Line, from_text: bool) -> float:
    c = line.conc
    if line.conc_confidence is not None:
        base = line.conc_confidence
    elif c.kind == "number":
        base = 0.7 if c.noisy else (0.95 if c.comma_decimal else 0.98)
    elif c.kind == "range":
        base = 0.6
    elif c.kind == "less_than":
        base = 0.7
    elif c.kind == "qs":
        base = 0.9
    elif "mixture_part" in line.flags:
        base = 0.2
    else:
        base = 0.0
    return round(base * (0.9 if from_text else 1.0), 4)


def resolve_line(line: Line, dictionary: IngredientDictionary, from_text: bool) -> Resolved:
    """Match the name, reconcile the CAS and score every field."""
    latin, zh_in_name = split_zh(line.raw_name)
    match = dictionary.match(line.raw_name)
    flags = list(line.flags)
    notes = list(line.notes)
    entry: IngredientEntry | None = match.entry
    inci_conf = _name_confidence(match)
    inci = match.inci_name
    doc_cas = _document_cas(line.cas_text)
    candidates: list[str] = []
    if match.method == "fuzzy":
        flags.append("fuzzy_match")
        notes.append(f"fuzzy match '{line.raw_name}' -> {inci} ({match.score:.2f})")
    if entry is None:
        by_cas = dictionary.by_cas(doc_cas) if doc_cas and is_valid_cas(doc_cas) else []
        if by_cas:
            entry, inci, inci_conf = by_cas[0], by_cas[0].inci_name, 0.75
            flags.append("matched_by_cas")
            notes.append(f"name not recognised; INCI taken from CAS {doc_cas}")
        else:
            inci = normalize_name(latin) or None
            flags.append("unmatched")
            candidates = dictionary.candidates(line.raw_name)
            if candidates:
                notes.append("nearest dictionary names: " + ", ".join(candidates))
    cas, cas_conf = _reconcile_cas(line, doc_cas, entry, inci, inci_conf, flags, notes, dictionary)
    if "cas_mismatch" in flags and match.method == "fuzzy":
        inci_conf = round(inci_conf * 0.8, 4)
    if match.method == "fuzzy" and doc_cas and entry and doc_cas in entry.cas_numbers:
        inci_conf = max(inci_conf, 0.9)
    c = line.conc
    if c.kind in ("range", "less_than"):
        flags.append(c.kind)
    if c.kind == "empty" and "mixture_part" not in flags:
        flags.append("concentration_missing")
    if c.kind == "invalid":
        flags.append("concentration_invalid")
        notes.append("concentration cell not understood")
    function = line.function or (", ".join(entry.functions) if entry and entry.functions else None)
    zh = line.zh or zh_in_name or (entry.zh_name if entry else None)
    if line.ocr_conf and entry is not None and entry.zh_name:
        zh = entry.zh_name  # an OCR'd Chinese name is a noisy read of what the master holds
    conc_conf = _conc_confidence(line, from_text)
    if line.ocr_conf:
        name_ok = match.method in ("exact", "synonym")
        cas_ok = cas is not None and entry is not None and cas in entry.cas_numbers
        inci_conf, cas_conf, conc_conf, low = _apply_ocr(
            line, (inci_conf, cas_conf, conc_conf), name_ok, cas_ok
        )
        notes.append(_ocr_note(line))
        if low:
            flags.append("ocr_low_confidence")
    return Resolved(
        line=line,
        inci_name=inci,
        cas=cas,
        value=c.value,
        function=function,
        zh_name=zh,
        inci_conf=inci_conf,
        cas_conf=cas_conf,
        conc_conf=conc_conf,
        flags=flags,
        notes=notes,
        candidates=candidates,
    )


OCR_LOW = 0.8
_OCR_CONFIRMED = 0.95


def _apply_ocr(
    line: Line, confs: tuple[float, float, float], name_ok: bool, cas_ok: bool
) -> tuple[float, float, float, bool]:
    """Scale (inci, cas, conc) confidences by the OCR scores of their cells."""
    out: list[float] = []
    low = False
    for conf, cell, confirmed in zip(
        confs,
        (line.ocr_conf.get("name"), line.ocr_conf.get("cas"), line.ocr_conf.get("conc")),
        (name_ok, cas_ok, False),
        strict=True,
    ):
        if cell is None:
            out.append(conf)
            continue
        score = max(cell, _OCR_CONFIRMED) if confirmed else cell
        low = low or score < OCR_LOW
        out.append(round(conf * score, 4))
    return out[0], out[1], out[2], low


def _ocr_note(line: Line) -> str:
    scores = ", ".join(f"{f} {v:.2f}" for f, v in sorted(line.ocr_conf.items()))
    page = f" page {line.ocr_page}" if line.ocr_page is not None else ""
    return f"OCR{page} (recognition {scores})"


def _document_cas(text: str) -> str | None:
    found = split_cas_cell(text)
    if found:
        return found[0]
    # Not a CAS number: keep the tidied document text so the warning can show it.
    return normalize_cas(text) or clean_cas_text(text)


def _reconcile_cas(
    line: Line,
    doc_cas: str | None,
    entry: IngredientEntry | None,
    inci: str | None,
    inci_conf: float,
    flags: list[str],
    notes: list[str],
    dictionary: IngredientDictionary,
) -> tuple[str | None, float]:
    known = entry.cas_numbers if entry else ()
    if doc_cas is not None:
        # Multi-valued document cells: prefer a number the dictionary lists for this INCI.
        for candidate in split_cas_cell(line.cas_text):
            if candidate in known:
                return candidate, 1.0
        if normalize_cas(doc_cas) is None:
            flags.append("cas_invalid_format")
            notes.append(f"CAS '{line.cas_text.strip()}' is not in NNNNNNN-NN-N form")
            return doc_cas, 0.1
        if not is_valid_cas(doc_cas):
            flags.append("cas_checksum_invalid")
            hint = f"; dictionary CAS for {inci}: {', '.join(known)}" if known else ""
            notes.append(f"CAS {doc_cas} fails the check digit{hint}")
            return doc_cas, 0.1
        alternative = alternative_cas_note(inci, doc_cas) if known else None
        if alternative is not None:
            flags.append("cas_alternative")
            notes.append(alternative)
            return doc_cas, 0.9
        if known:
            flags.append("cas_mismatch")
            owners = [e.inci_name for e in dictionary.by_cas(doc_cas)]
            owner = f" (listed for {', '.join(owners[:3])})" if owners else ""
            notes.append(f"CAS {doc_cas}{owner} differs from {inci}: {', '.join(known)}")
            return doc_cas, 0.4
        return doc_cas, 0.7 if "unmatched" in flags else 0.8
    if known:
        flags.append("cas_from_dictionary")
        factor = 0.9 if len(known) == 1 else 0.7
        return known[0], round(factor * min(1.0, inci_conf), 4)
    if entry is not None:
        return None, 0.8
    return None, 0.3
