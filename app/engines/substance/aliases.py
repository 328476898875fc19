"""Shipped name aliases with a source per entry: Chinese names and alternative CAS numbers.

The data lives in ``app/data/names`` (see its SOURCE.md). Lookups are pure functions over that
shipped reference data; the files are read once per process.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from app.data import DATA_DIR
from app.engines.substance.names import normalize_name

ZH_NAMES_CSV = DATA_DIR / "names" / "zh_names.csv"
ALTERNATIVE_CAS_CSV = DATA_DIR / "names" / "alternative_cas.csv"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class NameAlias:
    """One sourced alias: the name as written, the INCI name it stands for, and why."""

    alias: str
    inci_name: str
    source: str
    source_ref: str


def zh_key(raw: str) -> str:
    """Lookup key for a Chinese name: NFKC (full-width digits, CJK compatibility ideographs),
    no spaces, upper-case Latin letters ("EDTA 二鈉" and "ＥＤＴＡ二鈉" are one key)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", raw)).upper()


@lru_cache(maxsize=1)
def zh_name_table() -> dict[str, NameAlias]:
    """Chinese name key -> sourced INCI alias (first row wins)."""
    table: dict[str, NameAlias] = {}
    with ZH_NAMES_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            alias = NameAlias(row["zh_name"], row["inci_name"], row["source"], row["source_ref"])
            table.setdefault(zh_key(alias.alias), alias)
    return table


def lookup_zh_name(raw: str) -> NameAlias | None:
    """The sourced INCI name for a Chinese ingredient name (純水 -> WATER), or None."""
    if not raw or not raw.strip():
        return None
    return zh_name_table().get(zh_key(raw))


@lru_cache(maxsize=1)
def alternative_cas_table() -> dict[str, dict[str, NameAlias]]:
    """Normalised INCI name -> {CAS -> sourced alias} of alternative CAS numbers."""
    table: dict[str, dict[str, NameAlias]] = {}
    with ALTERNATIVE_CAS_CSV.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            alias = NameAlias(row["cas"], row["inci_name"], row["source"], row["source_ref"])
            table.setdefault(normalize_name(alias.inci_name), {})[alias.alias] = alias
    return table


def alternative_cas(inci_name: str, cas: str) -> NameAlias | None:
    """The sourced entry saying ``cas`` is another CAS number of ``inci_name``, or None."""
    return alternative_cas_table().get(normalize_name(inci_name), {}).get(cas)
