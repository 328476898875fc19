"""Parser for the EU CosIng ingredient inventory in its two known layouts.

* ``simplified``: header ``inci_name,cas_number,einecs_number,function`` on line 1.
* ``official``: a metadata block, then the header ``COSING Ref No,INCI name,INN name,...``;
  cells may span several lines and hold several CAS/EC numbers.

The layout is recognised by the header row, never by file name.
"""

from __future__ import annotations

import csv
import gc
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Literal, NamedTuple

from app.engines.formula.inci import IngredientDictionary, IngredientEntry
from app.engines.substance import split_cas_cell

Layout = Literal["simplified", "official"]

_EC_RE = re.compile(r"\d{3}\s*-\s*\d{3}\s*-\s*\d")
_WS = re.compile(r"\s+")
_EC_SIMPLE = re.compile(r"\d{3}-\d{3}-\d")
_SIMPLIFIED = ("inci_name", "cas_number", "einecs_number", "function")
_OFFICIAL_FIRST = "cosing ref no"
# How far into the file the header may appear (the official metadata block is ~8 lines).
_HEADER_SCAN_ROWS = 50

SOURCE_NAME = "EU CosIng Inventory"


class InventoryFormatError(ValueError):
    """The file is not a recognised CosIng inventory layout."""


class InventoryRow(NamedTuple):
    """One typed inventory row; multi-valued cells are split, placeholders dropped."""

    inci_name: str
    cas_numbers: tuple[str, ...]
    ec_numbers: tuple[str, ...]
    functions: tuple[str, ...]
    cosing_ref: str | None = None
    inn_name: str | None = None
    description: str | None = None
    restriction: str | None = None
    update_date: str | None = None


def _clean(cell: str | None) -> str | None:
    """Strip stray whitespace; the CosIng ``-`` placeholder and blanks become None."""
    if cell is None:
        return None
    text = cell.strip()
    if "  " in text or "\n" in text or "\t" in text:
        text = _WS.sub(" ", text)
    return None if text in {"", "-", "--", "/"} else text


def split_ec_cell(raw: str | None) -> tuple[str, ...]:
    """All EC/EINECS numbers in a cell, normalised to ``NNN-NNN-N``."""
    text = (raw or "").strip()
    if not text or text == "-":
        return ()
    if _EC_SIMPLE.fullmatch(text):
        return (text,)
    found = (_WS.sub("", m.group(0)) for m in _EC_RE.finditer(text))
    return tuple(dict.fromkeys(found))


def split_functions(raw: str | None) -> tuple[str, ...]:
    """Split a function cell on commas, semicolons and newlines."""
    if not raw:
        return ()
    pieces = re.split(r"[,;\n]", raw) if (";" in raw or "\n" in raw) else raw.split(",")
    out: dict[str, None] = {}
    for piece in pieces:
        part = _clean(piece)
        if part:
            out[part.title() if part.isupper() else part] = None
    return tuple(out)


def detect_layout(header: list[str]) -> Layout | None:
    """Recognise a header row; None if it is neither inventory layout."""
    cells = [re.sub(r"\s+", " ", c).strip().lower() for c in header]
    if tuple(cells[:4]) == _SIMPLIFIED:
        return "simplified"
    if cells and cells[0] == _OFFICIAL_FIRST and "inci name" in cells:
        return "official"
    return None


def _text_of(source: str | bytes | Path) -> str:
    if isinstance(source, Path):
        source = source.read_bytes()
    if isinstance(source, bytes):
        return source.decode("utf-8-sig", errors="replace")
    return source.removeprefix("\ufeff")


def parse_inventory(source: str | bytes | Path) -> Iterator[InventoryRow]:
    """Yield typed rows from inventory text, bytes or a path (either layout)."""
    reader = csv.reader(io.StringIO(_text_of(source), newline=""))
    layout: Layout | None = None
    columns: dict[str, int] = {}
    for index, row in enumerate(reader):
        if layout is None:
            layout = detect_layout(row)
            if layout is not None:
                columns = {re.sub(r"\s+", " ", c).strip().lower(): i for i, c in enumerate(row)}
            elif index >= _HEADER_SCAN_ROWS:
                break
            continue
        parsed = _row(row, columns, layout)
        if parsed is not None:
            yield parsed
    if layout is None:
        raise InventoryFormatError("no CosIng inventory header found")


def _row(row: list[str], columns: dict[str, int], layout: Layout) -> InventoryRow | None:
    if layout == "simplified":
        # Fixed first four columns (checked by detect_layout); hot path for 28k rows.
        name, cas, ec, func = [*row, "", "", "", ""][:4]
        inci = _clean(name)
        if inci is None:
            return None
        return InventoryRow(
            inci, tuple(split_cas_cell(cas)), split_ec_cell(ec), split_functions(func)
        )

    def cell(name: str) -> str | None:
        i = columns.get(name)
        return row[i] if i is not None and i < len(row) else None

    inci = _clean(cell("inci name"))
    if inci is None:
        return None
    return InventoryRow(
        inci_name=inci,
        cas_numbers=tuple(split_cas_cell(cell("cas no"))),
        ec_numbers=split_ec_cell(cell("ec no")),
        functions=split_functions(cell("function")),
        cosing_ref=_clean(cell("cosing ref no")),
        inn_name=_clean(cell("inn name")),
        description=_clean(cell("chem/iupac name / description")),
        restriction=_clean(cell("restriction")),
        update_date=_clean(cell("update date")),
    )


def inventory_entries(rows: Iterator[InventoryRow], source_ref: str) -> Iterator[IngredientEntry]:
    """Convert inventory rows into dictionary entries with CosIng provenance."""
    for row in rows:
        yield IngredientEntry(
            inci_name=row.inci_name,
            cas_numbers=row.cas_numbers,
            functions=row.functions,
            source=SOURCE_NAME,
            source_ref=source_ref,
        )


def load_inventory_dictionary(
    path: Path, synonyms: dict[str, str] | None = None
) -> IngredientDictionary:
    """Build an IngredientDictionary from an inventory file (either layout)."""
    # ~60k short-lived objects trigger repeated cyclic-GC passes that double the build time;
    # nothing here creates reference cycles, so collection is paused for the duration.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        entries = inventory_entries(parse_inventory(path), source_ref=path.name)
        return IngredientDictionary(entries, synonyms=synonyms)
    finally:
        if was_enabled:
            gc.enable()
