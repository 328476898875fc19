"""Substance identity for the formula check: CAS and name normalisation, the ingredient master.

Matching order (issue 12 item 8): CAS (normalised, check digit) -> INCI, synonyms, trade and Chinese
names through the ingredient master -> class membership. Names are compared as whole keys, never
as substrings of one another.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from app.engines.substance.cas import valid_cas_numbers
from app.engines.substance.names import normalize_name

_NANO = re.compile(r"\s*[\[(]\s*nano\s*[\])]\s*$", re.IGNORECASE)
# British/American and ligature spellings folded to one key (INCI uses the American forms).
_SPELLING = (
    (re.compile(r"sulph"), "sulf"),
    (re.compile(r"aluminium"), "aluminum"),
    (re.compile(r"colour"), "color"),
    (re.compile(r"\boestr"), "estr"),
    (re.compile(r"caesium"), "cesium"),
)
# A line naming two substances ("X and Y", "X / Y", "X + Y"); "(and)" is an INCI mixture name.
_TWO_SUBSTANCES = re.compile(r"\s(?:\+|&|/)\s|\s+and\s+(?![^()]*\))", re.IGNORECASE)


@lru_cache(maxsize=16384)
def normalize_cas_all(value: str | None) -> tuple[str, ...]:
    """Every valid CAS in a cell (any dash, full-width digits, leading zeros, or no dashes)."""
    return valid_cas_numbers(value)


def split_nano(name: str) -> tuple[str, bool]:
    """("ZINC OXIDE", True) for "ZINC OXIDE [nano]" / "(nano)"."""
    cleaned = unicodedata.normalize("NFKC", name or "").strip()
    if _NANO.search(cleaned):
        return _NANO.sub("", cleaned).strip(), True
    return cleaned, False


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """Whole-name matching key: NFKC, case-folded, hyphens/spaces/quotes folded, spellings folded.

    Zero-width and look-alike (e.g. Cyrillic) characters are kept, so such a spelling matches
    nothing and surfaces as unidentified instead of being silently read as the real name.
    """
    text = normalize_name((name or "").replace("\u00ad", "")).casefold().strip(" .,;:")
    text = re.sub(r"\s*-\s*|\s+", " ", text)
    for pattern, repl in _SPELLING:
        text = pattern.sub(repl, text)
    # Colour Index numbers: "C.I. 10006", "CI10006", "色素 CI 10006" -> "ci 10006".
    ci = _CI.fullmatch(text)
    return f"ci {ci.group(1)}" if ci else text


_CI = re.compile(r"(?:色素\s*)?c\s*\.?\s*i\s*\.?\s*(\d{5})")


def names_two_substances(name: str) -> bool:
    """Whether a line names two substances (to be split), not an INCI "(and)" mixture."""
    return bool(_TWO_SUBSTANCES.search(name or "")) and "(and)" not in name.casefold()


@dataclass(frozen=True, slots=True)
class MasterRecord:
    """One ingredient-master substance: INCI, CAS numbers and every other name it goes by."""

    inci: str
    cas: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    functions: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return name_key(self.inci)


@dataclass(slots=True)
class SubstanceMaster:
    """Ingredient master lookup (INCI, synonyms, trade and Chinese names, CAS)."""

    by_name: dict[str, MasterRecord] = field(default_factory=dict)
    by_cas: dict[str, list[MasterRecord]] = field(default_factory=dict)
    _choices: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, records: Iterable[MasterRecord]) -> SubstanceMaster:
        master = cls()
        for rec in records:
            for n in (rec.inci, *rec.names):
                k = name_key(n)
                if k and k not in master.by_name:
                    master.by_name[k] = rec
            for cas in rec.cas:
                master.by_cas.setdefault(cas, []).append(rec)
        master._choices = sorted({r.inci for r in master.by_name.values()})
        return master

    @property
    def inci_names(self) -> list[str]:
        """Every INCI name, sorted (the candidates for an unidentified line: nearest.py)."""
        return self._choices

    def resolve(self, name: str, cas: tuple[str, ...]) -> MasterRecord | None:
        """The record named by the line; by name first, then by an unambiguous CAS."""
        rec = self.by_name.get(name_key(name))
        if rec is not None:
            return rec
        for c in cas:
            recs = self.by_cas.get(c, [])
            if recs:
                return recs[0]
        return None


def master_from_csv(starter: str, synonyms: str = "", inventory: str = "") -> SubstanceMaster:
    """Master from the shipped CSVs (starter with zh names/synonyms, synonym table, inventory)."""
    import csv
    from pathlib import Path

    records: dict[str, MasterRecord] = {}
    extra: dict[str, list[str]] = {}
    if synonyms and Path(synonyms).is_file():
        with open(synonyms, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                extra.setdefault(name_key(row["inci_name"]), []).append(row["synonym"])
    with open(starter, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            names = [row.get("zh_name") or "", *(row.get("synonyms") or "").split("|")]
            names += extra.get(name_key(row["inci_name"]), [])
            records[name_key(row["inci_name"])] = MasterRecord(
                inci=row["inci_name"],
                cas=normalize_cas_all(row.get("cas_number")),
                names=tuple(n for n in names if n),
                functions=tuple(f for f in (row.get("functions") or "").split("|") if f),
            )
    if inventory and Path(inventory).is_file():
        with open(inventory, encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                key = name_key(row["inci_name"])
                if key and key not in records:
                    records[key] = MasterRecord(
                        inci=row["inci_name"],
                        cas=normalize_cas_all(row.get("cas_number")),
                        functions=tuple(f for f in (row.get("function") or "").split("|") if f),
                    )
    return SubstanceMaster.build(records.values())
