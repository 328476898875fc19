"""INCI name normalisation and dictionary matching.

Match order (first hit wins), with the score each method reports:

1. curated synonym / misspelling table or a row's own synonyms or zh name -> ``synonym``, 0.97
2. normalised key equal to a dictionary INCI name -> ``exact``, 1.0
3. punctuation-free "compact" key equal (``BUTYLENE-GLYCOL``) -> ``exact``, 0.98
4. dual names (``AQUA/WATER``, ``Water (Aqua)``): each part through steps 1-3, score x 0.98
5. rapidfuzz ratio on the normalised key above a length-dependent cutoff -> ``fuzzy``, ratio/100
6. otherwise ``none``, 0.0.

Synonyms win over exact names on purpose: the curated table maps e.g. ``AQUA`` (itself a CosIng
entry) to the preferred ``WATER`` so the same substance is not listed under two names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from app.engines.substance.aliases import lookup_zh_name
from app.engines.substance.names import normalize_name
from app.engines.substance.trigrams import TrigramIndex

MatchMethod = Literal["exact", "synonym", "fuzzy", "none"]

_MIXTURE_SPLIT = re.compile(r"\s*(?:\(\s*(?:and|und|et|y|&)\s*\)|\n|;|＆|、)\s*", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_PAREN = re.compile(r"^(?P<outer>[^()]+?)\s*\((?P<inner>[^()]+)\)$")


@dataclass(frozen=True)
class IngredientEntry:
    """One dictionary row: an INCI name with its identifiers and provenance."""

    inci_name: str
    cas_numbers: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    zh_name: str | None = None
    functions: tuple[str, ...] = ()
    source: str = ""
    source_ref: str = ""


@dataclass(frozen=True)
class Match:
    """Result of matching a raw name against the dictionary."""

    inci_name: str | None
    method: MatchMethod
    score: float
    entry: IngredientEntry | None = field(default=None, compare=False)


NO_MATCH = Match(None, "none", 0.0, None)


# Same alphabet as substance.names.compact_name, applied to an already normalised key.
_NON_ALNUM = re.compile(r"[^0-9A-Z]")
_INNER_PAREN = re.compile(r"\s*\([^()]*\)\s*")


def split_mixture(raw: str) -> list[str]:
    """Split a trade-name mixture ``A (and) B (and) C`` (or one-per-line) into its parts."""
    parts = [p.strip(" -•·*") for p in _MIXTURE_SPLIT.split(raw)]
    return [p for p in parts if p]


def split_zh(raw: str) -> tuple[str, str | None]:
    """Split ``甘油 Glycerin`` into (latin part, Chinese part); Chinese part is None if absent."""
    if not _CJK.search(raw):
        return raw, None
    latin = re.sub(r"[\u3400-\u9fff\uf900-\ufaff（）()【】]+", " ", raw)
    latin = re.sub(r"\s+", " ", latin).strip(" /-")
    zh = "".join(_CJK.findall(raw)) or None
    return (latin if re.search(r"[A-Za-z]", latin) else raw), zh


def dual_name_parts(raw: str) -> list[str]:
    """Alternative names in ``AQUA/WATER`` or ``Water (Aqua)`` forms, outer name first."""
    key = normalize_name(raw)
    m = _PAREN.match(key)
    if m:
        return [m.group("outer"), m.group("inner")]
    parts: list[str] = []
    if "(" in key:
        # US-style INCI with a common name inside: "BUTYROSPERMUM PARKII (SHEA) BUTTER".
        parts.append(_INNER_PAREN.sub(" ", key).strip())
    if "/" in key:
        parts.extend(p for p in key.split("/") if p)
    return parts


class IngredientDictionary:
    """In-memory INCI dictionary with synonym, exact, compact and fuzzy lookup."""

    def __init__(
        self, entries: Iterable[IngredientEntry], synonyms: Mapping[str, str] | None = None
    ) -> None:
        """Index ``entries``; ``synonyms`` maps alias -> INCI name (applied only if INCI exists)."""
        self._by_key: dict[str, IngredientEntry] = {}
        self._by_compact: dict[str, IngredientEntry] = {}
        self._by_alias: dict[str, IngredientEntry] = {}
        self._by_cas: dict[str, list[IngredientEntry]] = {}
        for entry in entries:
            key = normalize_name(entry.inci_name)
            if key in self._by_key:
                entry = _merge(self._by_key[key], entry)
            self._by_key[key] = entry
        for key, entry in self._by_key.items():
            self._by_compact.setdefault(_NON_ALNUM.sub("", key), entry)
            for cas in entry.cas_numbers:
                self._by_cas.setdefault(cas, []).append(entry)
            for alias in (*entry.synonyms, entry.zh_name or ""):
                if alias.strip():
                    self._by_alias.setdefault(normalize_name(alias), entry)
        for alias, target in (synonyms or {}).items():
            hit = self._by_key.get(normalize_name(target))
            if hit is not None:
                self._by_alias[normalize_name(alias)] = hit
        # Fuzzy candidates: INCI keys plus aliases, so common misspellings of synonyms also hit.
        self._choices = list(self._by_key) + [a for a in self._by_alias if a not in self._by_key]
        self._trigrams: TrigramIndex | None = None
        self._cached = lru_cache(maxsize=4096)(self._match_key)

    def __len__(self) -> int:
        """Number of distinct INCI entries."""
        return len(self._by_key)

    def get(self, inci_name: str) -> IngredientEntry | None:
        """Entry whose INCI name normalises to the same key, if any."""
        return self._by_key.get(normalize_name(inci_name))

    def by_cas(self, cas: str) -> list[IngredientEntry]:
        """Entries listing ``cas`` among their CAS numbers."""
        return list(self._by_cas.get(cas, ()))

    def match(self, raw: str) -> Match:
        """Match a raw (possibly misspelt, dual or bilingual) name; never raises."""
        if not raw or not raw.strip():
            return NO_MATCH
        latin, zh = split_zh(raw)
        if zh is not None and latin == raw:
            # Chinese-only name: the sourced zh table (app/data/names) before any fuzzy guess.
            sourced = self._zh_table(raw) or self._zh_table(zh)
            if sourced is not None:
                return sourced
        result = self._cached(normalize_name(latin))
        if result.method == "none" and zh:
            alias = self._by_alias.get(normalize_name(zh))
            if alias is not None:
                return Match(alias.inci_name, "synonym", 0.97, alias)
        return result

    def _zh_table(self, raw: str) -> Match | None:
        alias = self._by_alias.get(normalize_name(raw))
        if alias is not None:
            return Match(alias.inci_name, "synonym", 0.97, alias)
        sourced = lookup_zh_name(raw)
        entry = self._by_key.get(normalize_name(sourced.inci_name)) if sourced else None
        if entry is None:
            return None
        return Match(entry.inci_name, "synonym", 0.95, entry)

    def candidates(self, raw: str, limit: int = 3) -> list[str]:
        """Nearest INCI names for an unmatched name (for the operator to choose from)."""
        latin, zh = split_zh(raw)
        key = normalize_name(latin if latin != raw or zh is None else raw)
        if not key:
            return []
        from rapidfuzz import fuzz, process  # 2.4 MiB resident: loaded on the first fuzzy match

        found = process.extract(key, self._shortlist(key), scorer=fuzz.WRatio, limit=limit * 3)
        out: list[str] = []
        for choice, score, _ in found:
            entry = self._by_key.get(choice) or self._by_alias[choice]
            if score >= 60 and entry.inci_name not in out:
                out.append(entry.inci_name)
        return out[:limit]

    def _shortlist(self, key: str) -> list[str]:
        """The choices worth scoring for `key` (scoring all ~29k held the GIL 40-85 ms a name)."""
        index = self._trigrams
        if index is None:  # built on the first fuzzy lookup: most files never need one
            index = self._trigrams = TrigramIndex(self._choices)
        return [self._choices[i] for i in index.shortlist(key)]

    def _lookup(self, key: str) -> Match | None:
        alias = self._by_alias.get(key)
        if alias is not None:
            return Match(alias.inci_name, "synonym", 0.97, alias)
        exact = self._by_key.get(key)
        if exact is not None:
            return Match(exact.inci_name, "exact", 1.0, exact)
        compact = self._by_compact.get(_NON_ALNUM.sub("", key))
        if compact is not None:
            return Match(compact.inci_name, "exact", 0.98, compact)
        return None

    def _match_key(self, key: str) -> Match:
        if not key:
            return NO_MATCH
        hit = self._lookup(key)
        if hit is not None:
            return hit
        for part in dual_name_parts(key):
            sub = self._lookup(normalize_name(part))
            if sub is not None:
                return Match(sub.inci_name, sub.method, round(sub.score * 0.98, 4), sub.entry)
        return self._fuzzy(key)

    def _fuzzy(self, key: str) -> Match:
        # Short names need a stricter cutoff: one letter in "TEA" vs "PEA" is a different substance.
        cutoff = 92.0 if len(key) < 8 else 85.0
        from rapidfuzz import fuzz, process  # 2.4 MiB resident: loaded on the first fuzzy match

        best = process.extractOne(key, self._shortlist(key), scorer=fuzz.ratio, score_cutoff=cutoff)
        if best is None:
            return NO_MATCH
        choice, score, _ = best
        entry = self._by_key.get(choice) or self._by_alias[choice]
        return Match(entry.inci_name, "fuzzy", round(score / 100.0, 4), entry)


def _merge(a: IngredientEntry, b: IngredientEntry) -> IngredientEntry:
    """Union of two rows for the same INCI name (CosIng lists a few names twice)."""
    return IngredientEntry(
        inci_name=a.inci_name,
        cas_numbers=tuple(dict.fromkeys((*a.cas_numbers, *b.cas_numbers))),
        synonyms=tuple(dict.fromkeys((*a.synonyms, *b.synonyms))),
        zh_name=a.zh_name or b.zh_name,
        functions=tuple(dict.fromkeys((*a.functions, *b.functions))),
        source=a.source or b.source,
        source_ref=a.source_ref or b.source_ref,
    )
