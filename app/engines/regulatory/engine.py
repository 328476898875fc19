"""Formula regulatory check against a product description (issue 12; spec 06 §3, §5, §6).

Pipeline: identify every line (CAS -> names via the ingredient master -> class membership), sum
duplicate lines of one substance, select the entries that bind (nano form, declared function,
conditional Annex II bans), evaluate each against the product (categories, restrictions, "calculated
as" conversions), then sum limits across the formula, the TW/EU hierarchy and an honest summary.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, TypeVar

from app.engines.regulatory.findings import (
    LINE_STATUSES,
    POSITIVE_LISTS,
    SEVERITIES,
    CheckReport,
    Finding,
    FormulaLine,
    Kind,
    LineResult,
    LineStatus,
    Severity,
    Summary,
)
from app.engines.regulatory.index import RuleIndex
from app.engines.regulatory.labels import category_root
from app.engines.regulatory.labels import segments_by_label as _segments_uncached
from app.engines.regulatory.models import LIST_TYPES, RegulatedEntry
from app.engines.regulatory.nearest import NearestNames
from app.engines.regulatory.product import (
    CategoryTags,
    Description,
    applicable,
    product_tags,
    status,
    text_tags,
)
from app.engines.regulatory.restrictions import applies_to, parse_restrictions
from app.engines.regulatory.ruledata import RuleData, SumRule, rule_data
from app.engines.regulatory.split import split_substances
from app.engines.regulatory.substances import (
    MasterRecord,
    SubstanceMaster,
    name_key,
    names_two_substances,
    normalize_cas_all,
    split_nano,
)
from app.engines.regulatory.tw_text import aliases as tw_aliases
from app.engines.regulatory.tw_text import basis as tw_basis
from app.engines.regulatory.tw_text import parse_tw_clauses
from app.engines.regulatory.zh_names import entry_chinese_names, has_cjk
from app.engines.substance import lookup_zh_name

JURISDICTIONS = ("TW", "EU")
DEFAULT_MARKETS: tuple[str, ...] = ("TW",)
# TW prohibited-list conditions (text NFKC-normalised on import, spec issue 19 item 4).
_TW_HAIR_DYE_ONLY = re.compile(r"不得使用於染髮用途")
_TW_RESIDUE = re.compile(r"殘留微量|不純物|殘留量|殘留限量")
_TW_EXCEPT_LIST = (
    (re.compile(r"防腐劑成分"), "preservative"),
    (re.compile(r"色素成分"), "colorant"),
    (re.compile(r"成分使用限制表"), "restricted"),
    (re.compile(r"防曬劑成分"), "uv_filter"),
)
_TW_EXCEPT_HAIR_DYE = re.compile(r"使用於染髮[^。]*?除外")
# "使用於染髮、燙髮產品中,用作…之安定劑不得超過0.03%": a per-use limit inside the ban.
_TW_PER_USE = re.compile(r"(?:使用|用)於(.+?)產品(?:中|時).*?不得超過\s*(\d+(?:\.\d+)?)\s*%")
_HAIR_DYE_ONLY = re.compile(r"when used as (?:a )?substances? in hair dye", re.IGNORECASE)
_EXCEPT_ENTRY = re.compile(
    r"(?:with the )?exception of entry\s+(\w+)\s+in\s+annex\s+(III|IV|V|VI)"
    r"|except[^,;]*?(?:cases|entries)\s+included\s+in\s+annex\s+(III|IV|V|VI)"
    # "except for the uses of the sulphate provided for in entry 51 of Annex III"
    r"|except for the uses?\b[^;]*?provided for in entry\s+(\w+)\s+of\s+annex\s+(III|IV|V|VI)",
    re.IGNORECASE,
)
_BASIS = (
    (re.compile(r"\(\s*(?:as\s+)?acid\s*\)|\bas\s+acid\b", re.IGNORECASE), "acid"),
    (re.compile(r"calculated\s+as\s+F\b|\bas\s+F\b", re.IGNORECASE), "F"),
    (re.compile(r"\((?:of|as)\s+Hg\)|\bas\s+Hg\b", re.IGNORECASE), "Hg"),
    (re.compile(r"\bas\s+Zn\b|\((?:of|as)\s+Zn\)", re.IGNORECASE), "Zn"),
)
_OTHER_THAN_PRESERVATIVE = re.compile(
    r"other than inhibiting the development of micro-?\s*organisms", re.IGNORECASE
)
_SALT_CATIONS = (
    r"(?:mono|di|tri|tetra)?(?:sodium|potassium|calcium|magnesium|ammonium|zinc|lithium"
    r"|aluminum|barium|strontium|copper|mea|dea|tea|mipa|amp)"
)
_CHILD = {"general": None}
BLOCKING: frozenset[Severity] = frozenset({"critical", "high"})
segments_by_label = lru_cache(maxsize=8192)(_segments_uncached)
# (id(entry), product tags) -> result + the entry itself (guards against a reused id).
_LIMITS: dict[tuple[int, frozenset[str]], tuple[Any, ...]] = {}


def _nano_entry(entry: RegulatedEntry) -> bool | None:
    """True for nano-only entries, None for entries covering both forms, False otherwise."""
    text = f"{entry.chemical_name} {entry.inci_name}".casefold()
    if "including as nanomaterial" in text:
        return None
    return "(nano)" in text or "nano)" in text


@dataclass(slots=True)
class _Line:
    number: int
    raw: str
    name: str
    cas: tuple[str, ...]
    conc: float | None
    function: str | None
    positive_list: str | None
    is_nano: bool
    record: MasterRecord | None = None
    whole: str | None = None  # the line as written, when this is one part of a split line
    alias_note: str | None = None  # how a Chinese name was resolved through a sourced dictionary


@dataclass
class _Substance:
    key: str
    lines: list[_Line]
    names: tuple[str, ...]
    cas: tuple[str, ...]
    is_nano: bool
    entries: list[RegulatedEntry] = field(default_factory=list)
    classes: list[tuple[str, str, str]] = field(default_factory=list)  # (entry ref, gate, source)
    findings: list[Finding] = field(default_factory=list)
    # How a line with no master record and no CAS was identified (a TFDA Chinese name).
    identified_by: str | None = None

    @property
    def conc(self) -> float | None:
        if len(self.lines) == 1:  # most substances (issue 18); 0.0 + as sum() gives
            one = self.lines[0].conc
            return None if one is None else 0.0 + one
        values = [ln.conc for ln in self.lines]
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    @property
    def label(self) -> str:
        return self.lines[0].raw

    @property
    def numbers(self) -> list[int]:
        return [ln.number for ln in self.lines]

    @cached_property
    def function(self) -> str | None:
        """Declared positive-list function; None when undeclared or the lines disagree."""
        declared = {ln.positive_list or ("other" if ln.function else None) for ln in self.lines}
        if len(declared) == 1:
            only = declared.pop()
            if only is not None:
                return only
        # Dictionary function only when it names exactly one positive list and nothing else.
        rec = next((ln.record for ln in self.lines if ln.record is not None), None)
        if rec is not None and rec.functions:
            mapped = {FormulaLine("", function=f).positive_list for f in rec.functions}
            if len(mapped) == 1 and None not in mapped:
                return mapped.pop()
        return None


@dataclass(slots=True)
class NameIndex:
    """Exact-name and CAS access to entries (no substring or stem matching across substances)."""

    by_name: dict[str, list[RegulatedEntry]] = field(default_factory=dict)
    by_cas: dict[str, list[RegulatedEntry]] = field(default_factory=dict)
    salts: list[tuple[re.Pattern[str], RegulatedEntry]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    with_text: dict[str, list[RegulatedEntry]] = field(default_factory=dict)
    # Chinese names the TFDA lists carry (zh_names.py), by key; also in `by_name`.
    by_zh_name: dict[str, list[RegulatedEntry]] = field(default_factory=dict)
    zh_names: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, entries: Iterable[RegulatedEntry]) -> NameIndex:
        idx = cls()
        for e in entries:
            mixture = "(and)" in e.inci_name.casefold()
            if not mixture:
                for c in e.cas_numbers:
                    idx.by_cas.setdefault(c, []).append(e)
            parts = {e.inci_name, e.chemical_name}
            if e.jurisdiction == "TW" and e.list_type == "colorant":
                parts |= set(tw_aliases(e.other_text))  # 別名: other names of the colour
            if not mixture:
                parts |= set(re.split(r"[;\n/]|,\s+(?=[A-Za-z])", e.inci_name))
                parts |= set(re.split(r"[;\n]", e.chemical_name))
                if e.jurisdiction == "TW":  # "Cantharids tincture/Capsicum tincture/..."
                    parts |= set(re.split(r"\s*/\s*", e.chemical_name))
            for p in parts:
                p = re.sub(r"\s*\(\d+\)\s*$|\*+$", "", p.strip())
                key = name_key(p)
                if key and key != "-" and len(key) > 2:
                    bucket = idx.by_name.setdefault(key, [])
                    if e not in bucket:
                        bucket.append(e)
            for zh in entry_chinese_names(e):  # 2-character names count ("信石", "芫花")
                key = name_key(zh)
                for bucket in (idx.by_name.setdefault(key, []), idx.by_zh_name.setdefault(key, [])):
                    if e not in bucket:
                        bucket.append(e)
            stem = _salt_stem(e.chemical_name)
            if stem:
                anion = re.escape(stem)
                idx.salts.append((re.compile(rf"^{_SALT_CATIONS} {anion}s?$"), e))
        idx.names = sorted({e.inci_name for e in entries if e.inci_name} - {""})
        idx.zh_names = sorted({zh for e in entries for zh in entry_chinese_names(e)})
        return idx

    def match(self, names: Iterable[str], cas: Iterable[str]) -> list[RegulatedEntry]:
        found: dict[int, RegulatedEntry] = {}
        for c in cas:
            for e in self.by_cas.get(c, ()):
                found[id(e)] = e
        keys = [k for k in (name_key(n) for n in names) if k]
        for k in keys:
            for e in self.by_name.get(k, ()):
                found[id(e)] = e
        for k in keys:
            for pattern, e in self.salts:
                if pattern.match(k):
                    found[id(e)] = e
        return list(found.values())


def _salt_stem(chemical_name: str) -> str:
    """'salicylate' for "Salicylic acid and its salts"; '' when the entry names no salts."""
    m = re.match(
        r"^\s*([A-Za-z0-9,\-' ]+?)\s+acid\b[^;]*?\b(?:its|their)\b[^;]*\bsalts?\b",
        chemical_name or "",
        re.IGNORECASE,
    )
    if not m:
        return ""
    stem = name_key(m.group(1))
    if not stem.endswith("ic") or " " in stem.strip():
        return ""
    return stem[:-2] + "ate"


@dataclass(slots=True)
class Checker:
    """Everything one check needs; build once per list version (cached by the service)."""

    index: RuleIndex
    names: NameIndex
    master: SubstanceMaster | None
    data: RuleData
    by_ref: dict[str, RegulatedEntry] = field(default_factory=dict)
    sum_refs: dict[str, set[str]] = field(default_factory=dict)
    # Lists whose source says it is provisional (the TW UV-filter third-party parse).
    provisional: frozenset[tuple[str, str]] = frozenset()
    # Candidates for unidentified lines: master INCI names, then the lists' (with a master).
    nearest: NearestNames | None = None
    # Per-name work that depends on this checker only (issue 18: a formula checked again, or
    # the same names in another formula, cost a dict lookup per line). Bounded by MEMO_SIZE.
    parts: dict[tuple[str, str | None], _Parts] = field(default_factory=dict, repr=False)
    identities: dict[tuple[str, tuple[str, ...]], _Identity] = field(
        default_factory=dict, repr=False
    )
    unknowns: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def build(cls, index: RuleIndex, master: SubstanceMaster | None = None) -> Checker:
        data = rule_data()
        checker = cls(index, NameIndex.build(index.entries), master, data)
        if master is not None:
            checker.nearest = NearestNames([*master.inci_names, *checker.names.names])
        for e in index.entries:
            checker.by_ref.setdefault(e.reference, e)
        checker.provisional = frozenset(
            key for key, citation in index.list_citations.items() if is_provisional(citation)
        )
        checker.sum_refs = {rule.id: _sum_refs(rule, index) for rule in data.sums}
        return checker

    def searches_needed(self, lines: Iterable[FormulaLine]) -> int:
        """Lines whose name neither the master nor the lists know and whose nearest names
        are not cached yet: each costs a candidate search (~0.3 ms) in `evaluate_formula`."""
        if self.nearest is None or self.master is None:
            return 0
        master, names, nearest = self.master.by_name, self.names.by_name, self.nearest
        needed = 0
        for line in lines:
            key = name_key(line.inci or "")
            if key and key not in master and key not in names and not nearest.is_cached(key):
                needed += 1
        return needed


def is_provisional(citation: str) -> bool:
    """A list citation that says its source still needs verification."""
    return "provisional" in citation.casefold()


PROVISIONAL_NOTE = " [provisional source: third-party parse, needs verification]"


class _Out:
    def __init__(self, sub: _Substance) -> None:
        self.sub = sub

    def add(
        self,
        entry: RegulatedEntry | None,
        kind: Kind,
        severity: Severity,
        message: str,
        *,
        allowed: float | None = None,
        binding: bool = True,
        converted: float | None = None,
        basis: str | None = None,
        assumptions: Sequence[str] = (),
        reference: str = "",
        citation: str = "",
        jurisdiction: str = "",
        candidates: Sequence[str] = (),
    ) -> None:
        s = self.sub
        provisional = entry is not None and is_provisional(entry.citation)
        if provisional:
            message += PROVISIONAL_NOTE
        self.sub.findings.append(
            Finding(
                ingredient=s.label,
                cas=s.cas[0] if s.cas else None,
                kind=kind,
                severity=severity,
                actual=s.conc,
                allowed=allowed,
                jurisdiction=entry.jurisdiction if entry else jurisdiction,
                binding=binding,
                reference=entry.reference if entry else reference,
                citation=entry.citation if entry else citation,
                message=message,
                lines=s.numbers,
                converted=converted,
                basis=basis,
                assumptions=list(assumptions),
                candidates=list(candidates),
                contributors=[ln.raw for ln in s.lines] if len(s.lines) > 1 else [],
                provisional=provisional,
            )
        )


# What a line's name and CAS resolve to, the same for every formula against one checker:
# (raw, name, cas, nano, whole, record, alias_note) per part, and the name's own nano suffix.
_Parts = tuple[
    tuple[tuple[str, str, tuple[str, ...], bool, str | None, Any, str | None], ...], bool
]
MEMO_SIZE = 8192  # distinct line identities remembered per checker (cleared when full)
_V = TypeVar("_V")


def _remember(memo: dict[Any, _V], key: Any, value: _V) -> _V:
    if len(memo) >= MEMO_SIZE:
        memo.clear()  # bounded; entries are cheap to recompute
    memo[key] = value
    return value


def _parse_lines(
    lines: Iterable[FormulaLine],
    master: SubstanceMaster | None,
    names: NameIndex | None = None,
    memo: dict[tuple[str, str | None], _Parts] | None = None,
) -> list[_Line]:
    """One _Line per formula line; a line naming several substances gives one per part (same
    line number, `whole` set, each part at the line's whole amount: see split.py).

    `memo` (the checker's) keeps each (name, CAS)'s parts: a name seen before costs a lookup."""
    out: list[_Line] = []
    for i, ln in enumerate(lines, start=1):
        key = (ln.inci or "", ln.cas)
        found = memo.get(key) if memo is not None else None
        if found is None:
            found = _line_parts(ln, master, names)
            if memo is not None:
                _remember(memo, key, found)
        parts, nano_suffix = found
        conc, function, positive_list = ln.safe_concentration, ln.function, ln.positive_list
        for raw, name, cas, part_nano, whole, record, alias_note in parts:
            out.append(
                _Line(
                    number=i,
                    raw=raw,
                    name=name,
                    cas=cas,
                    conc=conc,
                    function=function,
                    positive_list=positive_list,
                    is_nano=nano_suffix or part_nano or bool(getattr(ln, "is_nano", False)),
                    record=record,
                    whole=whole,
                    alias_note=alias_note,
                )
            )
    return out


def _line_parts(ln: FormulaLine, master: SubstanceMaster | None, names: NameIndex | None) -> _Parts:
    def known(text: str) -> bool:
        key = name_key(text)
        return bool(
            (master is not None and key in master.by_name)
            or (names is not None and key in names.by_name)
        )

    raw = (ln.inci or "").strip()
    name, nano_suffix = split_nano(raw)
    cas = normalize_cas_all(ln.cas)
    parts = split_substances(name, known, strict=bool(cas)) if len(cas) <= 1 else ()
    out = []
    for part in parts or (name,):
        part_name, part_nano = split_nano(part) if parts else (part, False)
        line = _Line(
            number=0,
            raw=part_name if parts else raw,
            name=part_name,
            # one CAS cannot identify two substances: the parts go by their names
            cas=() if parts else cas,
            conc=None,
            function=None,
            positive_list=None,
            is_nano=False,
            whole=raw if parts else None,
        )
        if master is not None:
            line.record = master.resolve(line.name, line.cas)
            if line.record is None and has_cjk(line.name):
                _resolve_zh_alias(master, line)
        out.append(
            (line.raw, line.name, line.cas, part_nano, line.whole, line.record, line.alias_note)
        )
    return tuple(out), nano_suffix


def _resolve_zh_alias(master: SubstanceMaster, line: _Line) -> None:
    """A Chinese name of the sourced formula-sheet dictionary (app/data/names) -> its INCI."""
    alias = lookup_zh_name(line.name)
    if alias is None:
        return
    line.record = master.resolve(alias.inci_name, ())
    if line.record is not None:
        line.alias_note = (
            f"{line.name!r} read as {alias.inci_name} ({alias.source}; {alias.source_ref})"
        )


def _split_findings(parsed: list[_Line]) -> list[Finding]:
    """One blocking finding per line that names several substances (each part was checked)."""
    out: list[Finding] = []
    by_number: dict[int, list[_Line]] = {}
    for ln in parsed:
        if ln.whole is not None:
            by_number.setdefault(ln.number, []).append(ln)
    for number, parts in by_number.items():
        conc = parts[0].conc
        amount = f"{conc:g} %" if conc is not None else "its amount"
        out.append(
            Finding(
                ingredient=parts[0].whole or "",
                cas=None,
                kind="condition",
                severity="high",
                actual=conc,
                allowed=None,
                jurisdiction="",
                binding=True,
                reference="ingredient identification",
                citation="issue 12 item 9: a line naming two substances is split or flagged",
                message=(
                    f"Line {number} names {len(parts)} substances "
                    f"({'; '.join(p.name for p in parts)}): each was checked at the line's "
                    f"whole amount ({amount}) since their shares are unknown; give one line "
                    "per substance with its own concentration."
                ),
                lines=[number],
                assumptions=[f"line {number}: each part taken at {amount} (upper bound)"],
                contributors=[p.name for p in parts],
            )
        )
    return out


def _identity(line: _Line) -> tuple[tuple[str, ...], tuple[str, ...]]:
    names = [line.name]
    cas = list(line.cas)
    if line.record is not None:
        names += [line.record.inci, *line.record.names]
        cas += [c for c in line.record.cas if c not in cas] if not line.cas else []
    return tuple(dict.fromkeys(n for n in names if n)), tuple(cas)


# What `_group` derives from a line's name, CAS and master record (the checker's lists only).
_Identity = tuple[
    tuple[str, ...],  # names
    tuple[str, ...],  # CAS
    tuple[RegulatedEntry, ...],  # entries that name it (class members included)
    tuple[tuple[str, str, str], ...],  # classes (entry ref, gate, source)
    str | None,  # identified by (a TFDA Chinese name)
    str | None,  # the substance key before the nano suffix; None: unidentified
]


def _line_identity(checker: Checker, line: _Line) -> _Identity:
    names, cas = _identity(line)
    entries = checker.names.match(names, cas)
    identified_by = None
    if line.record is None and not line.cas and has_cjk(line.name):
        names, cas, identified_by = _by_chinese_name(checker, line.name, names)
        if identified_by:
            entries = checker.names.match(names, cas)
    classes = [
        (c.entry, c.gate, src)
        for c in checker.data.classes
        if (src := c.match(names, cas)) is not None
    ]
    # a restricted class entry ("Aluminum zirconium salts"): its members are checked
    # against it like a direct match
    for ref, _, _ in [m for m in classes if m[1] == "member"]:
        member_of = checker.by_ref.get(ref)
        if member_of is not None and member_of not in entries:
            entries = [*entries, member_of]
    classes = [m for m in classes if m[1] != "member"]
    if line.record is None and not entries and not classes:
        base = None
    else:
        base = (
            name_key(line.record.inci) if line.record else (cas[0] if cas else name_key(line.name))
        )
    return names, cas, tuple(entries), tuple(classes), identified_by, base


def _group(checker: Checker, lines: list[_Line]) -> tuple[list[_Substance], list[_Substance]]:
    """(identified substances with duplicates merged, unidentified lines)."""
    subs: dict[str, _Substance] = {}
    unknown: list[_Substance] = []
    memo = checker.identities
    for line in lines:
        # the record follows from (name, CAS): the key needs only those
        key = (line.name, line.cas)
        found = memo.get(key)
        if found is None:
            found = _remember(memo, key, _line_identity(checker, line))
        names, cas, entries, classes, identified_by, base = found
        if base is None:
            unknown.append(_Substance(f"?{line.number}", [line], names, cas, line.is_nano))
            continue
        key_ = f"{base}|nano" if line.is_nano else base
        sub = subs.get(key_)
        if sub is None:
            sub = _Substance(key_, [], names, cas, line.is_nano, list(entries), list(classes))
            subs[key_] = sub
        sub.identified_by = sub.identified_by or identified_by or line.alias_note
        sub.lines.append(line)
    return list(subs.values()), unknown


def _by_chinese_name(
    checker: Checker, name: str, names: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """A Chinese name the TFDA lists carry: the entry's Latin name and CAS join the identity
    (so the EU annexes are checked too), and the note citing the entry that named it."""
    hits = checker.names.by_zh_name.get(name_key(name), [])
    if not hits:
        return names, (), None
    extra = [n for e in hits for n in (e.inci_name, e.chemical_name) if n]
    cas = tuple(dict.fromkeys(c for e in hits for c in e.cas_numbers))
    refs = "; ".join(e.citation or e.reference for e in hits)
    note = f"{name!r} identified by the Chinese name given in {refs}"
    return tuple(dict.fromkeys([*names, *extra])), cas, note


def _basis(text: str) -> str | None:
    for pattern, basis in _BASIS:
        if pattern.search(text):
            return basis
    return None


def _limit_text(entry: RegulatedEntry, labels: frozenset[str]) -> str:
    pre, by_label = segments_by_label(entry.max_text)
    if not by_label or not labels:
        return entry.max_text
    roots = {category_root(x) for x in labels} | set(labels)
    return " ".join(
        [pre, *(t for k, t in by_label.items() if k in roots or category_root(k) in roots)]
    )


def _convert(
    data: RuleData, sub: _Substance, basis: str | None
) -> tuple[float | None, str | None, str | None]:
    """(converted amount, basis, note); raw amount when no factor is known (conservative)."""
    conc = sub.conc
    if conc is None or basis is None:
        return conc, None, None
    for n in sub.names:
        got = data.factor(n, basis)
        if got is not None:
            value, how = got
            return round(conc * value, 6), basis, f"{conc:g} % x {value:.4f} ({how})"
    return (
        conc,
        basis,
        (
            f"no conversion factor to '{basis}' on file for {sub.label}: the line's own amount "
            "is compared (never less than the converted amount)"
        ),
    )


def _applicable_limit(
    entry: RegulatedEntry, tags: frozenset[str]
) -> tuple[float | None, bool, bool, frozenset[str]]:
    """(limit, certain, outside permitted use, applied labels)."""
    key = (id(entry), tags)
    hit = _LIMITS.get(key)
    if hit is not None and hit[4] is entry:
        return hit[0], hit[1], hit[2], hit[3]
    value = _applicable_uncached(entry, tags)
    if len(_LIMITS) > 50_000:
        _LIMITS.clear()
    _LIMITS[key] = (*value, entry)
    return value


def _applicable_uncached(
    entry: RegulatedEntry, tags: frozenset[str]
) -> tuple[float | None, bool, bool, frozenset[str]]:
    if not entry.categories:
        limits = [lim.max_pct for lim in entry.limits]
        return (min(limits) if limits else None), True, False, frozenset()
    cats, certain = applicable(entry.categories, tags)
    if not cats:
        return None, True, True, frozenset()
    labels = frozenset(c.label for c in cats)
    values = [lim.max_pct for lim in entry.limits if lim.category_label in labels]
    return (min(values) if values else None), certain, False, labels


def _warnings_for(entry: RegulatedEntry, labels: frozenset[str]) -> str:
    preamble, by_label = segments_by_label(entry.warnings_text)
    if not by_label or not labels:
        return entry.warnings_text
    roots = {category_root(x) for x in labels} | labels
    parts = [preamble] + [t for k, t in by_label.items() if k in roots or category_root(k) in roots]
    return "\n".join(p for p in parts if p).strip()


def _hair_dye_use_only(entry: RegulatedEntry) -> bool:
    """An Annex III entry whose every category is a hair-dye (or eyelash-dye) substance use."""
    text = entry.product_type_text.casefold()
    if entry.list_type != "restricted" or ("hair dye" not in text and "染髮" not in text):
        return False
    cats = [c.product_type_text.casefold() for c in entry.categories] or [text]
    return all("dye" in c or "colouring" in c or "coloring" in c or "染髮" in c for c in cats)


def _binds(entry: RegulatedEntry, sub: _Substance, function: str | None) -> tuple[bool, str]:
    """Whether the entry binds this line (nano form, declared function), and why not."""
    nano = _nano_entry(entry)
    positive = entry.list_type in POSITIVE_LISTS
    if nano is True and not sub.is_nano:
        return False, "nano-form entry; the line is not a nanomaterial"
    if nano is False and sub.is_nano and positive:
        return False, "non-nano entry; the line is a nanomaterial"
    if positive and function not in (None, entry.list_type):
        return False, f"applies to use as {entry.list_type}; declared function is {function}"
    if (
        entry.list_type == "restricted"
        and function == "preservative"
        and _OTHER_THAN_PRESERVATIVE.search(entry.other_text)
    ):
        return False, "entry is for uses other than as preservative"
    return True, ""


def _exception_lifts(
    checker: Checker, ban: RegulatedEntry, sub: _Substance, tags: frozenset[str]
) -> RegulatedEntry | None:
    """The positive entry an Annex II exception points to, if it covers this product."""
    m = _EXCEPT_ENTRY.search(ban.chemical_name)
    if m is None:
        return None
    if m.group(1):
        ref, annex = m.group(1), m.group(2)
    elif m.group(4):
        ref, annex = m.group(4), m.group(5)
    else:
        ref, annex = None, m.group(3)
    for e in sub.entries:
        if e.jurisdiction != ban.jurisdiction or e.annex.upper() != annex.upper():
            continue
        if ref is not None and e.ref_no.replace(" ", "") != ref:
            continue
        _, _, outside, labels = _applicable_limit(e, tags)
        restrictions = parse_restrictions(e.other_text, e.warnings_text, e.product_type_text)
        if not outside and not any(r.violated(tags) for r in restrictions if applies_to(r, labels)):
            return e
    return None


def _check_substance(
    checker: Checker, sub: _Substance, tags: frozenset[str], assumptions: list[str]
) -> None:
    out = _Out(sub)
    function = sub.function
    if function is None and any(e.list_type in POSITIVE_LISTS for e in sub.entries):
        assumptions.append(
            f"{sub.label}: no function declared, so every positive-list entry is applied "
            "(strictest reading)"
        )
    banned_refs = {e.reference for e in sub.entries if e.list_type == "prohibited"}
    colorant = function in (None, "colorant") and any(
        e.list_type == "colorant" for e in sub.entries
    )
    for ref, gate, source in sub.classes:
        if ref in banned_refs:
            continue
        ban = checker.by_ref.get(ref)
        if ban is not None and _exception_lifts(checker, ban, sub, tags):
            continue
        label = (
            "heavy-metal compound gate (spec 06 §3 gate 1)" if gate == "heavy_metal" else "class"
        )
        out.add(
            ban,
            "prohibited",
            "critical",
            f"Member of {ref} ({ban.chemical_name if ban else ref}) by {label}; member "
            f"evidence: {source}. Remove it.",
            reference=ref,
            citation=ban.citation if ban else ref,
            jurisdiction=ref.split(" ", 1)[0],
        )
    for entry in sub.entries:
        if entry.list_type == "prohibited":
            if entry.jurisdiction == "TW":
                _check_tw_prohibited(checker, out, entry, sub, tags)
                continue
            if _HAIR_DYE_ONLY.search(entry.chemical_name) and "hair_dye" not in tags:
                out.add(
                    entry,
                    "condition",
                    "info",
                    f"{entry.reference} bans it only in hair-dye products; this product is "
                    "not one (kind is not hair_dye).",
                    binding=False,
                )
                continue
            lifted = _exception_lifts(checker, entry, sub, tags)
            if lifted is not None:
                continue
            out.add(entry, "prohibited", "critical", f"Prohibited substance ({entry.reference}).")
            continue
        ok, _ = _binds(entry, sub, function)
        if not ok:
            continue
        if _hair_dye_use_only(entry) and "hair_dye" not in tags and colorant:
            continue  # its use as a colourant outside hair dyes is Annex IV's to govern
        _check_limited(checker, out, entry, tags)
    if sub.is_nano:
        _check_nano(checker, out, function)


def _check_tw_prohibited(
    checker: Checker, out: _Out, entry: RegulatedEntry, sub: _Substance, tags: frozenset[str]
) -> None:
    """A TW 化粧品禁止使用成分表 entry with its 備註 conditions (issue 19 item 4).

    "不得使用於染髮用途化粧品": banned only in hair-dye products. "...另有規定者除外" pointing to
    another TW list: lifted when that list has an entry for the substance covering this product.
    "使用於染髮...除外": lifted in hair-dye products. A trace-residue allowance is an impurity
    limit, never a permission to add the substance. Any other condition stays a ban (fail-safe)
    and its text is shown for review.
    """
    note = entry.other_text.strip()
    ref = entry.reference
    if _TW_HAIR_DYE_ONLY.search(note):
        if "hair_dye" not in tags:
            out.add(
                entry,
                "condition",
                "info",
                f"{ref} bans it only in hair-dye products (不得使用於染髮用途化粧品); this "
                "product is not one (kind is not hair_dye).",
                binding=False,
            )
            return
        out.add(
            entry,
            "prohibited",
            "critical",
            f"Prohibited in hair-dye products ({ref}: 不得使用於染髮用途化粧品).",
        )
        return
    per_use = _TW_PER_USE.search(note)
    if per_use is not None:
        where, limit = text_tags(per_use.group(1))[0], float(per_use.group(2))
        if status(CategoryTags("", where, frozenset()), tags) != "no":
            conc = sub.conc
            if conc is None or conc > limit:
                out.add(
                    entry,
                    "over_limit",
                    "high",
                    f"{ref} allows it only as stated ({note!r}): "
                    + ("concentration unknown" if conc is None else f"{conc:g} % > {limit:g} %"),
                    allowed=limit,
                )
            else:
                out.add(
                    entry,
                    "condition",
                    "medium",
                    f"{ref} allows it only as stated ({note!r}); confirm the use.",
                    allowed=limit,
                )
            return
    if "除外" in note:
        named = {lt for pattern, lt in _TW_EXCEPT_LIST if pattern.search(note)}
        if not named and "另有規定" in note:  # "口腔製劑另有規定者除外": whichever TW list says so
            named = {"restricted", "preservative", "colorant", "uv_filter"}
        for e in sub.entries:
            if e.jurisdiction != "TW" or e.list_type not in named:
                continue
            _, _, outside, _ = _applicable_limit(e, tags)
            if not outside:
                return  # the other list governs (its limits are checked there)
        if _TW_EXCEPT_HAIR_DYE.search(note) and "hair_dye" in tags:
            out.add(
                entry,
                "condition",
                "medium",
                f"{ref} excepts a use in hair-dye products ({note!r}); confirm the use "
                "matches the exception.",
            )
            return
    extra = ""
    if _TW_RESIDUE.search(note):
        extra = (
            " The note's trace-residue allowance is an impurity limit for unavoidable "
            "residues, not a permission to add the substance."
        )
    elif note:
        extra = f" Condition in the list ({note!r}) does not lift the ban here; review it."
    out.add(entry, "prohibited", "critical", f"Prohibited substance ({ref}).{extra}")


def _check_limited(
    checker: Checker, out: _Out, entry: RegulatedEntry, tags: frozenset[str]
) -> None:
    sub = out.sub
    conc = sub.conc
    ref = entry.reference
    limit, certain, outside, labels = _applicable_limit(entry, tags)
    notes: list[str] = []
    if not certain:
        notes.append(
            f"the product description does not decide the category of {ref}: the strictest "
            "applicable limit is used"
        )
    if outside:
        out.add(
            entry,
            "outside_permitted_use",
            "high",
            f"Not permitted in this product: {ref} allows it only in "
            f"{entry.product_type_text.strip()!r}.",
        )
        return
    restrictions = parse_restrictions(
        entry.other_text, entry.warnings_text, entry.product_type_text
    )
    if entry.jurisdiction == "TW":
        clauses = parse_tw_clauses(entry.other_text, entry.product_type_text)
        restrictions = (*restrictions, *clauses.restrictions)
        for clause in clauses.unread:
            if _sum_rule_reads(checker, entry, clause):
                continue  # a group total evaluated across the formula (sums.json, _sums)
            out.add(
                entry,
                "condition",
                "medium",
                f"{ref} states a condition that is not evaluated automatically; review it "
                f"(kept verbatim): {clause!r}",
            )
    for r in restrictions:
        if applies_to(r, labels) and r.violated(tags):
            out.add(
                entry,
                "restriction_violated",
                "high",
                f"Use restriction of {ref} is broken by the product description: {r.text!r}",
                assumptions=notes,
            )
    if conc is None:
        out.add(
            entry,
            "condition",
            "high",
            f"Listed in {ref} but the concentration is unknown; review required.",
            allowed=limit,
        )
    elif limit is not None:
        text = _limit_text(entry, labels)
        basis = _basis(text) or (tw_basis(text) if entry.jurisdiction == "TW" else None)
        amount, basis, how = _convert(checker.data, sub, basis)
        if how:
            notes.append(how)
        if amount is not None and amount > limit:
            as_ = f" as {basis}" if basis else ""
            shown = f"{conc:g} % ({amount:g} %{as_})" if amount != conc else f"{conc:g} %"
            out.add(
                entry,
                "over_limit",
                "high",
                f"{shown} exceeds the {limit:g} %{as_} limit of {ref}.",
                allowed=limit,
                converted=amount,
                basis=basis,
                assumptions=notes,
            )
    elif not entry.limits and entry.max_text:
        out.add(
            entry,
            "condition",
            "medium",
            f"{ref} states a limit that cannot be compared automatically: "
            f"{entry.max_text!r}; review required.",
        )
    threshold = (
        entry.disclosure_rinse_off_pct or entry.disclosure_leave_on_pct
        if "rinse_off" in tags
        else entry.disclosure_leave_on_pct or entry.disclosure_rinse_off_pct
    )
    if threshold is not None and conc is not None and conc > threshold:
        out.add(
            entry,
            "disclosure",
            "low",
            f"Above the {threshold:g} % labelling threshold of {ref}: name it in the ingredient "
            "list (labelling duty, not a concentration limit).",
            allowed=threshold,
        )
    warnings = _warnings_for(entry, labels)
    if warnings and (conc is None or conc > 0):
        out.add(entry, "label_warning", "medium", f"Required label text ({ref}): {warnings}")


def _check_nano(checker: Checker, out: _Out, function: str | None) -> None:
    sub = out.sub
    permits = [
        e for e in sub.entries if e.list_type in POSITIVE_LISTS and _nano_entry(e) is not False
    ]
    non_nano_only = [
        e for e in sub.entries if e.list_type in POSITIVE_LISTS and _nano_entry(e) is False
    ]
    relevant = [e for e in non_nano_only if function in (None, e.list_type)]
    if relevant and not [e for e in permits if function in (None, e.list_type)]:
        e = relevant[0]
        out.add(
            e,
            "nano_not_permitted",
            "high",
            f"Nanomaterial: {e.reference} covers only the non-nano form; no entry permits "
            f"{sub.label} as a nanomaterial (Reg. 1223/2009 Art. 14, 16).",
        )
    else:
        out.add(
            None,
            "nanomaterial",
            "medium",
            "Nanomaterial: dedicated safety assessment and Art. 16 notification required "
            "(spec 06 §3 gate 6: review).",
            binding=False,
            reference="EU Reg. 1223/2009 Art. 16",
            citation="Regulation (EC) No 1223/2009, Article 16 (nanomaterials)",
            jurisdiction="EU",
        )


def _tw_limit_met(sub: _Substance, tags: frozenset[str]) -> float | None:
    """The TW limit the substance meets (spec 06 §6 "TFDA limit exists, met"), else None.

    Provisional TW lists never count: they cannot downgrade an EU finding (fail-safe).
    """
    conc = sub.conc
    if conc is None:
        return None
    limits = []
    for e in sub.entries:
        if e.jurisdiction != "TW" or e.list_type == "prohibited" or is_provisional(e.citation):
            continue
        limit, _, outside, _ = _applicable_limit(e, tags)
        if limit is not None and not outside:
            limits.append(limit)
    tw_blocking = any(f.jurisdiction == "TW" and f.severity in BLOCKING for f in sub.findings)
    if not limits or tw_blocking or conc > min(limits):
        return None
    return min(limits)


def _advisory(f: Finding, why: str) -> Finding:
    return f.model_copy(
        update={"binding": False, "severity": "low", "message": f"Advisory ({why}): {f.message}"}
    )


def _apply_markets(
    findings: list[Finding], markets: Sequence[str], tw_met: float | None = None
) -> list[Finding]:
    """Listed markets bind; the others advise (spec 06 §6 hierarchy when TW is a target).

    With TW a target market, EU findings stay binding where TW is silent; a met TW limit turns
    EU limit/use findings into advisories; prohibitions and CMR gates are never downgraded.
    With TW not a target market, every TW finding is an advisory.
    """
    out = []
    for f in findings:
        j = f.jurisdiction
        if j not in JURISDICTIONS or j in markets or not f.binding:
            out.append(f)
        elif j == "EU" and "TW" in markets:
            downgrade = f.kind in ("over_limit", "outside_permitted_use")
            if downgrade and tw_met is not None:
                out.append(_advisory(f, f"TFDA limit {tw_met:g} % is met"))
            else:
                out.append(f)  # TW silent: the EU finding binds (prevents false negatives)
        else:
            out.append(_advisory(f, f"{j} is not a target market of this check"))
    return out


def _sum_rule_reads(checker: Checker, entry: RegulatedEntry, clause: str) -> bool:
    """Whether a curated sum rule over this entry evaluates this TW clause."""
    squash = re.compile(r"\s+")
    text = squash.sub("", clause)
    for rule in checker.data.sums:
        if entry.reference not in checker.sum_refs.get(rule.id, ()):
            continue
        key = squash.sub("", rule.refs_with_text or rule.quote)
        if key and (key in text or text in squash.sub("", rule.quote)):
            return True
    return False


def _sum_refs(rule: SumRule, index: RuleIndex) -> set[str]:
    if rule.refs_with_text:
        return {
            e.reference
            for e in index.entries
            if e.jurisdiction == rule.jurisdiction
            and (rule.refs_with_text in e.max_text or rule.refs_with_text in e.other_text)
        }
    return {f"{rule.jurisdiction} {r}" for r in rule.refs}


def _sums(checker: Checker, subs: list[_Substance], tags: frozenset[str]) -> list[Finding]:
    out: list[Finding] = []
    for rule in checker.data.sums:
        refs = checker.sum_refs[rule.id]
        parts: list[tuple[_Substance, float, str]] = []
        for sub in subs:
            if not sub.entries:
                continue
            hit = [e for e in sub.entries if e.reference in refs]
            if not hit or sub.conc is None:
                continue
            if not all(_binds(e, sub, sub.function)[0] for e in hit) and not any(
                _binds(e, sub, sub.function)[0] for e in hit
            ):
                continue
            amount, _, how = _convert(checker.data, sub, rule.basis)
            parts.append((sub, amount or 0.0, how or ""))
        if len(parts) < max(1, rule.min_parts):
            continue
        limit = rule.limit
        if rule.limit_from:  # a group limit that depends on the product's category
            source = checker.by_ref.get(f"{rule.jurisdiction} {rule.limit_from}")
            limit, _, _, applied = (
                _applicable_limit(source, tags) if source is not None else (None,) * 3 + (None,)
            )
            if rule.labels and not (applied and set(rule.labels) & applied):
                limit = None
        if limit is None:
            continue  # no limit applies to this product (the entries' own scopes decide)
        total = round(sum(a for _, a, _ in parts), 6)
        if total <= limit:
            continue
        entry = next((checker.by_ref[r] for r in sorted(refs) if r in checker.by_ref), None)
        as_ = f" as {rule.basis}" if rule.basis else ""
        names = [f"{s.label} {s.conc:g} % ({a:g} %{as_})" for s, a, _ in parts]
        out.append(
            Finding(
                ingredient=" + ".join(s.label for s, _, _ in parts),
                cas=None,
                kind="sum_over_limit",
                severity="high",
                actual=total,
                allowed=limit,
                jurisdiction=rule.jurisdiction,
                binding=True,
                reference=", ".join(sorted(refs))
                if len(refs) <= 3
                else f"{rule.id} ({len(refs)} entries)",
                citation=entry.citation if entry else rule.id,
                message=f"Sum {total:g} %{as_} exceeds {limit:g} % ({rule.quote!r}): "
                + "; ".join(names),
                lines=sorted(n for s, _, _ in parts for n in s.numbers),
                converted=total,
                basis=rule.basis,
                assumptions=[h for _, _, h in parts if h],
                contributors=[s.label for s, _, _ in parts],
            )
        )
    return out


def _positive_lists(checker: Checker, sub: _Substance, markets: Sequence[str]) -> None:
    wanted = sub.function
    if wanted not in POSITIVE_LISTS:
        return
    on = {e.jurisdiction for e in sub.entries if e.list_type == wanted}
    for j in JURISDICTIONS:
        if not checker.index.has_list(j, wanted) or j in on:
            continue
        binding = j in markets or (not (j == "EU" and "TW" in on) and "TW" in markets)
        _Out(sub).add(
            None,
            "not_on_positive_list",
            "high" if binding else "low",
            f"Declared as {wanted} but not on the {j} {wanted} list.",
            binding=binding,
            reference=f"{j} {wanted} list",
            citation=checker.index.list_citations[(j, wanted)],
            jurisdiction=j,
        )


def _unidentified(checker: Checker, sub: _Substance) -> None:
    line = sub.lines[0]
    key = (line.name, line.raw)
    found = checker.unknowns.get(key)
    if found is None:
        found = _remember(checker.unknowns, key, _unidentified_text(checker, line))
    message, cands = found
    _Out(sub).add(
        None,
        "unidentified",
        "high",
        message,
        reference="ingredient identification",
        citation="issue 12 item 9: nothing unverified passes",
        jurisdiction="",
        candidates=cands,
    )


def _unidentified_text(checker: Checker, line: _Line) -> tuple[str, tuple[str, ...]]:
    """The finding's message and the nearest names (the same for every line of this name)."""
    from rapidfuzz import fuzz, process  # loaded on first use (issue 18: idle RSS)

    if has_cjk(line.name):
        # Chinese: the nearest Chinese names of the TFDA lists, never a Latin guess.
        zh = checker.names.zh_names
        cands = [h[0] for h in process.extract(line.name, zh, scorer=fuzz.ratio, limit=3)]
        cands = [c for c in cands if fuzz.ratio(line.name, c) >= 50]
    elif checker.nearest is not None:
        cands = list(checker.nearest.search(line.name))
    else:
        extra = checker.names.names
        cands = [h[0] for h in process.extract(line.name, extra, scorer=fuzz.WRatio, limit=3)]
        cands = list(dict.fromkeys(cands))
    why = (
        "names two substances; give one line per substance"
        if names_two_substances(line.name)
        else "Chinese name found neither in the ingredient master nor among the Chinese names "
        "of the TFDA lists; give its INCI name or CAS"
        if has_cjk(line.name)
        else "matches no ingredient-master entry and no list entry"
    )
    message = f"Unidentified line {line.raw!r} ({why}); nothing about it was verified." + (
        f" Nearest: {', '.join(cands)}." if cands else ""
    )
    return message, tuple(cands)


def _line_status(findings: list[Finding]) -> LineStatus:
    worst = len(LINE_STATUSES) - 1
    for f in findings:
        if f.kind == "prohibited" and f.binding:
            s = 0
        elif f.kind == "unidentified":
            s = 2
        elif f.binding and f.severity in BLOCKING and f.kind != "condition":
            s = 1
        elif f.kind == "nanomaterial" or (
            f.kind == "condition" and f.severity in ("high", "medium")
        ):
            s = 3
        elif not f.binding and f.kind in (
            "over_limit",
            "outside_permitted_use",
            "not_on_positive_list",
        ):
            s = 4
        elif f.kind == "label_warning":
            s = 5
        elif f.kind == "disclosure":
            s = 6
        else:
            continue
        worst = min(worst, s)
    return LINE_STATUSES[worst]


def evaluate_formula(
    checker: Checker,
    product: Description,
    lines: Iterable[FormulaLine],
    markets: Sequence[str] = DEFAULT_MARKETS,
) -> CheckReport:
    """Check formula lines for a described product; findings, per-line status and summary.

    `markets` are the target markets (default Taiwan): their lists bind, the others advise.
    """
    markets = tuple(m for m in JURISDICTIONS if m in set(markets)) or DEFAULT_MARKETS
    tags = product_tags(product)
    parsed = _parse_lines(lines, checker.master, checker.names, checker.parts)
    subs, unknown = _group(checker, parsed)
    assumptions: list[str] = []
    for sub in subs:
        _check_substance(checker, sub, tags, assumptions)
        _positive_lists(checker, sub, markets)
        sub.findings = _apply_markets(sub.findings, markets, _tw_limit_met(sub, tags))
        if sub.identified_by:
            assumptions.append(sub.identified_by)
            sub.findings = [
                f.model_copy(update={"assumptions": [*f.assumptions, sub.identified_by]})
                for f in sub.findings
            ]
    for sub in unknown:
        _unidentified(checker, sub)
    sums = _apply_markets(_sums(checker, subs, tags), markets)
    findings = [f for s in (*subs, *unknown) for f in s.findings] + sums + _split_findings(parsed)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order[f.severity], f.lines[:1], f.reference))
    by_line: dict[int, list[Finding]] = {}
    for f in findings:
        for n in f.lines:
            by_line.setdefault(n, []).append(f)
    owner = {id(ln): s for s in (*subs, *unknown) for ln in s.lines}

    def identified(ln: _Line) -> str | None:
        s = owner[id(ln)]
        if s.key.startswith("?"):
            return None
        if ln.record:
            return ln.record.inci
        return (s.entries[0].inci_name or s.entries[0].chemical_name) if s.entries else None

    numbered: dict[int, list[_Line]] = {}
    for ln in parsed:
        numbered.setdefault(ln.number, []).append(ln)
    line_results = []
    for number, parts in numbered.items():
        fs = by_line.get(number, [])
        first = parts[0]
        names = [identified(p) for p in parts]
        line_results.append(
            LineResult(
                line=number,
                ingredient=first.whole or first.raw,
                cas=first.cas[0] if first.cas else None,
                # a split line: every part's identity, or None while one part is unknown
                identified_as=(" + ".join(n for n in names if n) if all(names) else None),
                is_nano=any(p.is_nano for p in parts),
                concentration=first.conc,
                total_concentration=owner[id(first)].conc if len(parts) == 1 else first.conc,
                status=_line_status(fs),
                references=sorted({f.reference for f in fs}),
            )
        )
    return CheckReport(
        findings=findings,
        summary=_summary(checker, findings, assumptions, len(unknown), markets),
        lines=line_results,
    )


def _summary(
    checker: Checker,
    findings: list[Finding],
    assumptions: list[str],
    unidentified: int,
    markets: Sequence[str] = DEFAULT_MARKETS,
) -> Summary:
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    blocking = [f for f in findings if f.binding and f.severity in BLOCKING]
    loaded = set(checker.index.list_citations)
    # The EU lists bind where TW is silent (spec 06 §6), so a TW check needs them too.
    required = {*markets, "EU"} if "TW" in markets else set(markets)
    expected = {(j, t) for j in required for t in LIST_TYPES}
    missing = sorted(f"{j} {t}" for j, t in expected - loaded)
    not_required = sorted(
        f"{j} {t}"
        for j in JURISDICTIONS
        if j not in required
        for t in LIST_TYPES
        if (j, t) not in loaded
    )
    reasons: list[str] = []
    if blocking:
        reasons.append(f"{len(blocking)} blocking finding(s)")
    if unidentified:
        reasons.append(f"{unidentified} unidentified line(s): nothing about them was verified")
    if missing:
        reasons.append("binding lists not loaded: " + ", ".join(missing))
    reasons.append(
        "binding markets: "
        + ", ".join(markets)
        + "".join(
            f"; {j} advisory" + (" (binding where TW is silent, spec 06 §6)" if j == "EU" else "")
            for j in JURISDICTIONS
            if j not in markets
        )
    )
    if checker.provisional:
        reasons.append(
            "provisional lists (findings marked, never downgrade an EU finding): "
            + ", ".join(sorted(f"{j} {t}" for j, t in checker.provisional))
        )
    compliant: bool | None
    if blocking:
        compliant = False
    elif missing:
        compliant = None
    else:
        compliant = True
    return Summary(
        counts=counts,
        total=len(findings),
        compliant=compliant,
        lists_checked=sorted(f"{j} {t}" for j, t in loaded),
        lists_missing=missing + not_required,
        reasons=reasons,
        assumptions=list(dict.fromkeys(assumptions)),
        blocking=len(blocking),
        unidentified=unidentified,
        binding_jurisdictions=list(markets),
        advisory_jurisdictions=[j for j in JURISDICTIONS if j not in markets],
        provisional_lists=sorted(f"{j} {t}" for j, t in checker.provisional),
    )


def time_evaluate(
    checker: Checker, product: Description, lines: Sequence[FormulaLine], repeat: int = 50
) -> float:
    """Median wall time of evaluate_formula in milliseconds (benchmarks)."""
    samples = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        evaluate_formula(checker, product, lines)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return samples[len(samples) // 2]
