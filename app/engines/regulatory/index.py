"""In-memory lookup of regulated entries by CAS number, name and substance group."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.engines.regulatory.cosing_annex import parse_group
from app.engines.regulatory.models import RegulatedEntry
from app.engines.substance import first_valid_cas, normalize_name

_TOKEN = re.compile(r"[a-z0-9]+")
_MIN_ROOT = 4  # shorter acid roots ("boric" -> "bor") would match unrelated "-ate" names


@dataclass(frozen=True, slots=True)
class _Group:
    stem: str
    root: str
    entry: RegulatedEntry
    pattern: re.Pattern[str]


def name_key(name: str) -> str:
    """The shared name normaliser, case-folded: group stems below are matched in lower case."""
    return normalize_name(name).casefold()


def entry_names(entry: RegulatedEntry) -> set[str]:
    """Normalised names under which an entry is found (INCI, synonyms, identified names)."""
    names = {entry.inci_name, entry.chemical_name, *entry.identified_ingredients}
    names |= {p for p in re.split(r"[;\n]", entry.chemical_name)}
    names |= {p for p in re.split(r"[;\n/]", entry.inci_name)}
    return {n for n in (name_key(x) for x in names) if n and n != "-"}


@dataclass(slots=True)
class RuleIndex:
    """Entries indexed for fast formula checks; build once per list version."""

    entries: tuple[RegulatedEntry, ...] = ()
    by_cas: dict[str, list[RegulatedEntry]] = field(default_factory=dict)
    by_name: dict[str, list[RegulatedEntry]] = field(default_factory=dict)
    groups: list[_Group] = field(default_factory=list)
    list_citations: dict[tuple[str, str], str] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: Iterable[RegulatedEntry]) -> RuleIndex:
        """Index entries by CAS, normalised INCI/chemical name and group stem."""
        index = cls(entries=tuple(entries))
        for entry in index.entries:
            # A mixture entry ("CITRIC ACID (AND) SILVER CITRATE") lists its components'
            # CAS numbers and names; only the mixture itself is regulated, so index it by
            # its full names and never by a component (citric acid is not a preservative).
            mixture = "(and)" in entry.inci_name.casefold()
            for cas in () if mixture else entry.cas_numbers:
                index.by_cas.setdefault(cas, []).append(entry)
            names = {name_key(entry.inci_name), name_key(entry.chemical_name)}
            for name in names if mixture else entry_names(entry):
                index.by_name.setdefault(name, []).append(entry)
            if entry.is_group:
                _, _, stem = parse_group(entry.chemical_name)
                stem = name_key(stem)
                root = stem[: -len("ic acid")] if stem.endswith("ic acid") else ""
                if stem:
                    pattern = re.compile(rf"(?<![a-z0-9]){re.escape(stem)}(?![a-z0-9])")
                    root = root if len(root) >= _MIN_ROOT and root.isalnum() else ""
                    index.groups.append(_Group(stem, root, entry, pattern))
            list_key = (entry.jurisdiction, entry.list_type)
            if list_key not in index.list_citations:
                index.list_citations[list_key] = entry.citation.replace(f"/{entry.ref_no}", "", 1)
        return index

    def has_list(self, jurisdiction: str, list_type: str) -> bool:
        """Whether a list of this jurisdiction and type was loaded."""
        return (jurisdiction, list_type) in self.list_citations

    def match(self, name: str | None, cas: str | None) -> list[RegulatedEntry]:
        """Entries for an ingredient: CAS and exact names first, group entries as fallback."""
        found: dict[int, RegulatedEntry] = {}
        cas_key = first_valid_cas(cas)
        if cas_key:
            for entry in self.by_cas.get(cas_key, ()):
                found[id(entry)] = entry
        key = name_key(name or "")
        for entry in self.by_name.get(key, ()) if key else ():
            found[id(entry)] = entry
        if not found and key:
            for group in self._group_matches(key):
                found[id(group.entry)] = group.entry
        return list(found.values())

    def _group_matches(self, key: str) -> list[_Group]:
        """Group entries whose stem names the ingredient ("sodium thioglycolate")."""
        # Salt/ester names: "<root>ate" with at most one extra syllable ("thioglycollate").
        salts = [t for t in _TOKEN.findall(key) if t.endswith("ate")]
        out: list[_Group] = []
        for group in self.groups:
            if (group.stem in key and group.pattern.search(key)) or (
                group.root
                and any(t.startswith(group.root) and len(t) <= len(group.root) + 4 for t in salts)
            ):
                out.append(group)
        return out
