"""Starter ingredient dictionary shipped in ``app/data`` and its (re)builder.

``ingredients_starter.csv`` holds ~250 common cosmetic ingredients. Its CAS, EC and function
columns are copied from the CosIng inventory by :func:`refresh_starter` (never typed by hand);
``zh_name`` and ``synonyms`` are curated. Regenerate with
``python -m app.engines.formula.starter /path/to/cosing_inventory_simplified.csv``.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.data import DATA_DIR
from app.engines.formula.inci import IngredientDictionary, IngredientEntry
from app.engines.formula.inventory import SOURCE_NAME, parse_inventory

STARTER_CSV = DATA_DIR / "ingredients_starter.csv"
SYNONYMS_CSV = DATA_DIR / "inci_synonyms.csv"
STARTER_SOURCE_REF = "cosing_inventory_simplified.csv (CosIng export 2020-12-30)"
COLUMNS = (
    "inci_name",
    "cas_number",
    "ec_number",
    "functions",
    "zh_name",
    "synonyms",
    "source",
    "source_ref",
)
# Multi-valued cells inside one CSV column use this separator (INCI names contain commas).
LIST_SEP = "|"


@dataclass(frozen=True)
class StarterRow:
    """One row of the starter CSV."""

    inci_name: str
    cas_number: str
    ec_number: str
    functions: str
    zh_name: str
    synonyms: str
    source: str
    source_ref: str


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in cell.split(LIST_SEP) if p.strip())


def read_starter_rows(path: Path = STARTER_CSV) -> list[StarterRow]:
    """Read the starter CSV as typed rows."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            StarterRow(**{c: (r.get(c) or "").strip() for c in COLUMNS}) for r in csv.DictReader(fh)
        ]


def starter_entries(path: Path = STARTER_CSV) -> list[IngredientEntry]:
    """Starter rows as dictionary entries."""
    return [
        IngredientEntry(
            inci_name=r.inci_name,
            cas_numbers=_split(r.cas_number),
            synonyms=_split(r.synonyms),
            zh_name=r.zh_name or None,
            functions=_split(r.functions),
            source=r.source,
            source_ref=r.source_ref,
        )
        for r in read_starter_rows(path)
    ]


def load_synonyms(path: Path = SYNONYMS_CSV) -> dict[str, str]:
    """Curated alias -> INCI name table (misspellings, common and trade names)."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["synonym"].strip(): r["inci_name"].strip() for r in csv.DictReader(fh)}


@lru_cache(maxsize=1)
def starter_dictionary() -> IngredientDictionary:
    """Process-wide dictionary built from the starter CSV and the synonym table."""
    return IngredientDictionary(starter_entries(), synonyms=load_synonyms())


def master_dictionary(rows: Iterable[Sequence[Any]]) -> IngredientDictionary:
    """The dictionary of ingredient-master rows (inci_name, cas_numbers, synonyms, zh_name,
    functions, source, source_ref); the starter dictionary if there are none (a fresh install
    without `pifai sync`)."""
    entries = [
        IngredientEntry(
            inci_name=name,
            cas_numbers=tuple(cas),
            synonyms=tuple(synonyms),
            zh_name=zh,
            functions=tuple(functions),
            source=source,
            source_ref=source_ref or "",
        )
        for name, cas, synonyms, zh, functions, source, source_ref in rows
    ]
    if not entries:
        return starter_dictionary()
    return IngredientDictionary(entries, synonyms=load_synonyms())


def refresh_starter(rows: list[StarterRow], inventory: Path) -> tuple[list[StarterRow], list[str]]:
    """Re-copy CAS/EC/functions of ``rows`` from the inventory; returns (rows, names not found)."""
    wanted = {r.inci_name.upper() for r in rows}
    found = {i.inci_name: i for i in parse_inventory(inventory) if i.inci_name in wanted}
    out: list[StarterRow] = []
    missing: list[str] = []
    for r in rows:
        inv = found.get(r.inci_name.upper())
        if inv is None:
            missing.append(r.inci_name)
            continue
        out.append(
            StarterRow(
                inci_name=inv.inci_name,
                cas_number=LIST_SEP.join(inv.cas_numbers),
                ec_number=LIST_SEP.join(inv.ec_numbers),
                functions=LIST_SEP.join(inv.functions),
                zh_name=r.zh_name,
                synonyms=r.synonyms,
                source=SOURCE_NAME,
                source_ref=STARTER_SOURCE_REF,
            )
        )
    return out, missing


def write_starter_rows(rows: list[StarterRow], path: Path = STARTER_CSV) -> None:
    """Write rows in the starter CSV layout."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in rows:
        writer.writerow([getattr(r, c) for c in COLUMNS])
    path.write_text(buf.getvalue(), encoding="utf-8")


def main(argv: list[str]) -> int:
    """CLI: refresh the starter CSV in place from an inventory file."""
    if len(argv) != 1:
        print("usage: python -m app.engines.formula.starter INVENTORY_CSV", file=sys.stderr)
        return 2
    rows, missing = refresh_starter(read_starter_rows(), Path(argv[0]))
    write_starter_rows(rows)
    for name in missing:
        print(f"not in inventory, dropped: {name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
