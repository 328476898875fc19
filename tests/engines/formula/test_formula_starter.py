import csv
from pathlib import Path

from app.engines.formula.inventory import SOURCE_NAME
from app.engines.formula.starter import (
    LIST_SEP,
    STARTER_SOURCE_REF,
    load_synonyms,
    read_starter_rows,
    refresh_starter,
)


def test_every_row_has_source() -> None:
    rows = read_starter_rows()
    assert 150 <= len(rows) <= 250
    names = [r.inci_name for r in rows]
    assert len(names) == len(set(names))
    for row in rows:
        assert row.source == SOURCE_NAME
        assert row.source_ref == STARTER_SOURCE_REF
        assert row.functions


def test_starter_matches_inventory(inventory_path: Path) -> None:
    with inventory_path.open(encoding="utf-8", newline="") as fh:
        inventory = {r["inci_name"]: r for r in csv.DictReader(fh)}
    for row in read_starter_rows():
        inv = inventory[row.inci_name]
        assert row.cas_number == inv["cas_number"], row.inci_name
        for ec in row.ec_number.split(LIST_SEP) if row.ec_number else []:
            assert ec in inv["einecs_number"], row.inci_name
        for function in row.functions.split(LIST_SEP):
            assert function in inv["function"], row.inci_name


def test_refresh_is_idempotent(inventory_path: Path) -> None:
    rows = read_starter_rows()
    refreshed, missing = refresh_starter(rows, inventory_path)
    assert missing == []
    assert refreshed == rows


def test_synonym_targets_exist_in_starter() -> None:
    names = {r.inci_name for r in read_starter_rows()}
    assert set(load_synonyms().values()) <= names
