"""Importer for Taiwan TFDA lists kept in the documented CSV/XLSX template.

The template is described in docs/tw-list-template.md; entries get jurisdiction "TW".
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from app.engines.regulatory.cosing_annex import parse_group
from app.engines.regulatory.limits import build_limits
from app.engines.regulatory.models import LIST_TYPES, RegulatedEntry
from app.engines.regulatory.textparse import (
    clean_text,
    extract_ec,
)
from app.engines.substance import is_valid_cas, normalize_cas

__all__ = ["COLUMNS", "REQUIRED", "TemplateError", "parse_tw_file", "parse_tw_rows"]

COLUMNS = (
    "list_type", "ref_no", "chemical_name", "inci_name", "cas_numbers", "ec_numbers",
    "product_type_text", "max_text", "max_concentration_pct", "other_text", "warnings_text",
    "disclosure_leave_on_pct", "disclosure_rinse_off_pct", "cmr_text", "regulation",
    "annex", "updated_on", "citation",
)  # fmt: skip
REQUIRED = ("list_type", "ref_no", "regulation")
_NUMERIC = ("max_concentration_pct", "disclosure_leave_on_pct", "disclosure_rinse_off_pct")


class TemplateError(ValueError):
    """A TW list file does not follow the template; errors carry spreadsheet row numbers."""

    def __init__(self, errors: Sequence[tuple[int, str]]) -> None:
        self.errors = list(errors)
        lines = [f"row {row}: {msg}" if row else msg for row, msg in self.errors]
        super().__init__("TW list template errors:\n" + "\n".join(lines))


def parse_tw_file(path: str | Path) -> list[RegulatedEntry]:
    """Read a TW list from .csv (UTF-8) or .xlsx in the documented template."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return parse_tw_rows(_xlsx_rows(path))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return parse_tw_rows(list(csv.reader(handle)))


def parse_tw_csv_text(text: str) -> list[RegulatedEntry]:
    """Parse template CSV given as a string (for uploads and tests)."""
    return parse_tw_rows(list(csv.reader(io.StringIO(text))))


def _xlsx_rows(path: Path) -> list[list[Any]]:
    import openpyxl  # imported lazily: only XLSX imports need it

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else str(value)
    return clean_text(str(value))


def _number(raw: str) -> float | None:
    """Template number; "0,001" means 0.001 and a trailing "%" is allowed."""
    if not raw:
        return None
    value = float(raw.strip().removesuffix("%").strip().replace(",", "."))
    if not math.isfinite(value) or value < 0:
        raise ValueError(raw)
    return value


def _date(raw: str) -> date | None:
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return datetime.strptime(raw[:10], fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def _split_cas(raw: str) -> tuple[tuple[str, ...], list[str]]:
    parts = [p for p in raw.replace("\n", " ").replace("/", " ").replace(",", " ")
             .replace(";", " ").split() if p and p != "-"]  # fmt: skip
    valid = tuple(dict.fromkeys(c for p in parts if is_valid_cas(p) and (c := normalize_cas(p))))
    return valid, [p for p in parts if not is_valid_cas(p)]


def parse_tw_rows(rows: Iterable[Sequence[Any]]) -> list[RegulatedEntry]:
    """Validate and convert template rows (header first); raise TemplateError on any bad row."""
    rows = [list(r) for r in rows]
    if not rows:
        raise TemplateError([(0, "file is empty")])
    header = [_text(c).lower().strip() for c in rows[0]]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    errors: list[tuple[int, str]] = []
    if missing:
        errors.append((1, f"missing required column(s): {', '.join(missing)}"))
    if unknown:
        errors.append((1, f"unknown column(s): {', '.join(unknown)}"))
    if errors:
        raise TemplateError(errors)
    entries: list[RegulatedEntry] = []
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(rows[1:], start=2):
        cells = {h: _text(raw[i]) if i < len(raw) else "" for i, h in enumerate(header) if h}
        if not any(cells.values()):
            continue
        try:
            entry = _entry(cells)
        except ValueError as exc:
            errors.append((number, str(exc)))
            continue
        key = (entry.list_type, entry.ref_no)
        if key in seen:
            errors.append(
                (number, f"duplicate {key[0]} ref_no {key[1]!r} (first on row {seen[key]})")
            )
            continue
        seen[key] = number
        entries.append(entry)
    if errors:
        raise TemplateError(errors)
    return entries


def _entry(cells: dict[str, str]) -> RegulatedEntry:
    get = cells.get
    list_type = (get("list_type") or "").lower()
    if list_type not in LIST_TYPES:
        raise ValueError(f"list_type {list_type!r} is not one of {', '.join(LIST_TYPES)}")
    ref = get("ref_no") or ""
    if not ref:
        raise ValueError("ref_no is empty")
    if not (get("chemical_name") or get("inci_name")):
        raise ValueError("chemical_name or inci_name is required")
    if not get("regulation"):
        raise ValueError("regulation (TFDA announcement) is empty")
    cas, bad = _split_cas(get("cas_numbers") or "")
    if bad:
        raise ValueError(f"invalid CAS number(s): {', '.join(bad)}")
    numbers: dict[str, float | None] = {}
    for col in _NUMERIC:
        try:
            numbers[col] = _number(get(col) or "")
        except ValueError:
            raise ValueError(f"{col} {get(col)!r} is not a number") from None
    try:
        updated = _date(get("updated_on") or "")
    except ValueError:
        raise ValueError(f"updated_on {get('updated_on')!r} is not a date") from None
    max_text = get("max_text") or ""
    explicit = numbers["max_concentration_pct"]
    if explicit is not None and not max_text:
        max_text = f"{explicit:g}%"
    parsed = build_limits(get("product_type_text") or "", max_text, get("other_text") or "")
    if explicit is not None and parsed.max_concentration_pct not in (None, explicit):
        raise ValueError(f"max_concentration_pct {explicit:g} contradicts max_text {max_text!r}")
    is_group, terms, _ = parse_group(get("chemical_name") or "")
    annex = get("annex") or ""
    regulation = get("regulation") or ""
    label = f"{annex}/{ref}" if annex else f"{list_type} list/{ref}"
    return RegulatedEntry(
        jurisdiction="TW",
        list_type=list_type,
        annex=annex,
        ref_no=ref,
        chemical_name=get("chemical_name") or "",
        inci_name=get("inci_name") or "",
        cas_numbers=cas,
        ec_numbers=extract_ec(get("ec_numbers") or ""),
        product_type_text=get("product_type_text") or "",
        max_text=max_text,
        other_text=get("other_text") or "",
        warnings_text=get("warnings_text") or "",
        cmr_text=get("cmr_text") or "",
        regulation=regulation,
        updated_on=updated,
        max_concentration_pct=parsed.max_concentration_pct,
        limits=parsed.limits,
        categories=parsed.categories,
        disclosure_leave_on_pct=numbers["disclosure_leave_on_pct"]
        or parsed.disclosure_leave_on_pct,
        disclosure_rinse_off_pct=numbers["disclosure_rinse_off_pct"]
        or parsed.disclosure_rinse_off_pct,
        is_group=is_group,
        group_terms=terms,
        citation=get("citation") or f"TW TFDA {label}, {regulation}",
        conditions_text=parsed.conditions_text,
    )
