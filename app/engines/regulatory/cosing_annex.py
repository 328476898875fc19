"""Parser for the official EU CosIng annex exports (Annex II-VI of Reg. (EC) 1223/2009)."""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from app.engines.regulatory.limits import ParsedLimits, build_limits
from app.engines.regulatory.models import ANNEX_LIST_TYPE, RegulatedEntry
from app.engines.regulatory.textparse import clean_text, extract_ec
from app.engines.substance import valid_cas_numbers

__all__ = ["AnnexFormatError", "parse_annex_file", "parse_annex_rows", "parse_group"]

_ANNEX_TITLE = re.compile(r"^\s*ANNEX\s+(VI|V|IV|III|II)\s*$", re.IGNORECASE)
_ANNEX_FILENAME = re.compile(r"Annex_(VI|V|IV|III|II)(?![IV])", re.IGNORECASE)
_LAST_UPDATE = re.compile(r"Last update:\s*(\d{1,2}/\d{1,2}/\d{4})", re.IGNORECASE)
_GROUP = re.compile(
    r"\b(?:its|their)\b[^;]*?\b(salts?|esters?)\b(?:[^;]*?\b(salts?|esters?)\b)?"
    r"|\b(salts?|esters?)\s*$",
    re.IGNORECASE,
)
_STEM_CUT = re.compile(r",?\s*(?:and\s+)?(?:its|their)\b|\s+(?:salts?|esters?)\s*$", re.IGNORECASE)
# Header names (lower-cased prefixes) of the columns we read; Annex II has fewer of them.
_COLUMNS = {
    "ref": "reference number",
    "chem": "chemical name",
    "inci": ("name of common ingredients glossary", "colour index number"),
    "cas": "cas number",
    "ec": "ec number",
    "pt": "product type",
    "max": "maximum concentration",
    "other": "other",
    "warn": "wording of conditions",
    "reg": "regulation",
    "sccs": "sccs opinions",
    "ident": "identified ingredients",
    "cmr": "cmr",
    "date": "update date",
}


class AnnexFormatError(ValueError):
    """The file is not a recognisable CosIng annex export."""


def parse_annex_file(path: str | Path) -> list[RegulatedEntry]:
    """Parse one CosIng annex export file into entries (one per non-empty row)."""
    path = Path(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    return parse_annex_rows(rows, source_name=path.name)


def parse_annex_rows(rows: Sequence[Sequence[str]], source_name: str = "") -> list[RegulatedEntry]:
    """Parse already-split CSV rows (title block, header, data) of one annex export."""
    header_idx = next(
        (
            i
            for i, r in enumerate(rows[:20])
            if r and clean_text(r[0]).lower() == "reference number"
        ),
        None,
    )
    if header_idx is None:
        raise AnnexFormatError(f"{source_name or 'input'}: no 'Reference Number' header row")
    title = rows[:header_idx]
    annex = _annex_from_title(title, source_name)
    export = next((m.group(1) for r in title for c in r if (m := _LAST_UPDATE.search(c))), "")
    cols = _column_index([clean_text(c).lower() for c in rows[header_idx]])
    body = [list(r) for r in rows[header_idx + 1 :] if any(c.strip() for c in r)]
    width = len(rows[header_idx])
    body = [r + [""] * (width - len(r)) for r in body]
    shifted = _columns_shifted(body, cols)
    return [_entry(r, cols, annex, export, shifted) for r in body]


def _annex_from_title(title: Sequence[Sequence[str]], source_name: str) -> str:
    for row in title:
        for cell in row:
            match = _ANNEX_TITLE.match(clean_text(cell))
            if match:
                return match.group(1).upper()
    match = _ANNEX_FILENAME.search(source_name)
    if match:
        return match.group(1).upper()
    raise AnnexFormatError(f"{source_name or 'input'}: annex number not found in title block")


def _column_index(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for key, names in _COLUMNS.items():
        options = (names,) if isinstance(names, str) else names
        for i, col in enumerate(header):
            # "other" must not also capture "Other Directives/Regulations".
            if key == "other" and col != "other":
                continue
            if any(col.startswith(o) for o in options) and key not in index:
                index[key] = i
    for required in ("ref", "chem", "cas"):
        if required not in index:
            raise AnnexFormatError(f"missing column for {required!r} in header {header!r}")
    return index


def _columns_shifted(body: list[list[str]], cols: dict[str, int]) -> bool:
    """True when product types sit in the maximum-concentration column (Annex IV export).

    The 2025 Annex IV export leaves "Product Type" empty in every row and shifts the
    following cells one column right ("Rinse-off products" under "Maximum concentration",
    "3%" under "Other", the "Other" text under "Wording"). Detected from the data, not the
    annex number, so a corrected future export parses as-is.
    """
    if "pt" not in cols or "max" not in cols or not body:
        return False
    pt_empty = all(not clean_text(r[cols["pt"]]) for r in body)
    max_has_pct = any("%" in r[cols["max"]] for r in body)
    return pt_empty and not max_has_pct


def _cell(row: list[str], cols: dict[str, int], key: str) -> str:
    return clean_text(row[cols[key]]) if key in cols else ""


def _parse_date(text: str) -> date | None:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        return None


def parse_group(name: str) -> tuple[bool, tuple[str, ...], str]:
    """(is_group, group_terms, stem) for names like "Thioglycolic acid and its salts"."""
    terms: set[str] = set()
    for match in _GROUP.finditer(name):
        for word in match.groups():
            if word:
                terms.add("salts" if word.lower().startswith("salt") else "esters")
    if not terms:
        return False, (), ""
    stem = _STEM_CUT.split(name, maxsplit=1)[0].strip(" ,;")
    return True, tuple(sorted(terms)), stem


def split_names(cell: str) -> tuple[str, ...]:
    """Names listed in an "Identified ingredients" cell (commas inside numbers are kept)."""
    parts = re.split(r"(?<!\d),|,(?!\d)|\n", cell)
    return tuple(p.strip() for p in parts if p.strip() and p.strip() != "-")


def _entry(
    row: list[str], cols: dict[str, int], annex: str, export: str, shifted: bool
) -> RegulatedEntry:
    pt, mx, other, warn = (_cell(row, cols, k) for k in ("pt", "max", "other", "warn"))
    if shifted:
        pt, mx, other, warn = mx, other, warn, ""
    parsed: ParsedLimits = build_limits(pt, mx, other)
    chem = _cell(row, cols, "chem")
    is_group, terms, _ = parse_group(chem)
    ref = _cell(row, cols, "ref")
    return RegulatedEntry(
        jurisdiction="EU",
        list_type=ANNEX_LIST_TYPE[annex],
        annex=annex,
        ref_no=ref,
        chemical_name=chem,
        inci_name=_cell(row, cols, "inci"),
        cas_numbers=valid_cas_numbers(_cell(row, cols, "cas")),
        ec_numbers=extract_ec(_cell(row, cols, "ec")),
        product_type_text=pt,
        max_text=mx,
        other_text=other,
        warnings_text=warn,
        cmr_text=_cell(row, cols, "cmr"),
        regulation=_cell(row, cols, "reg"),
        sccs_opinions=_cell(row, cols, "sccs"),
        updated_on=_parse_date(_cell(row, cols, "date")),
        max_concentration_pct=parsed.max_concentration_pct,
        limits=parsed.limits,
        categories=parsed.categories,
        disclosure_leave_on_pct=parsed.disclosure_leave_on_pct,
        disclosure_rinse_off_pct=parsed.disclosure_rinse_off_pct,
        is_group=is_group,
        group_terms=terms,
        identified_ingredients=split_names(_cell(row, cols, "ident")),
        citation=(
            f"EU CosIng Annex {annex}/{ref}, Reg. (EC) 1223/2009"
            + (f", export {export}" if export else "")
        ),
        conditions_text=parsed.conditions_text,
    )
