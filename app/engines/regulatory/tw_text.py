"""TFDA zh-TW clauses read into the same structured restrictions as the EU annex clauses
(issue 19 item 3): "不得使用於…" (not to be used in), "限用於…" / "僅限…" / "限使用於…" (only
in), professional use ("限美髮專業技術人士使用"), "以…計" (calculated as), with their "除…外" /
"…除外" exceptions.

Texts are NFKC-normalised first (the TW lists use CJK compatibility ideographs, e.g. U+F967 for
不). A clause that is none of these is kept verbatim as a condition to review, never dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from app.engines.regulatory.labels import segments_by_label
from app.engines.regulatory.models import RegulatedEntry
from app.engines.regulatory.product import text_tags
from app.engines.regulatory.restrictions import Restriction

# Markers added by the dataset builder, not conditions of use.
_NOTE = re.compile(r"\[source [^\]]*\]")
_NOT_USE = re.compile(r"不得(?:使用|用)於(.+)")
_ONLY = re.compile(r"(?:限用於|僅限(?:用於|使用於)?|限使用於)(.+)")
_PROFESSIONAL = re.compile(r"限(?:由)?[^。;]*?(?:專業|技術士|技術人士)[^。;]*?使用")
_CHILD_AGE = re.compile(r"(\d+|三|六|十)\s*歲以下")
_EXCEPT = re.compile(r"除([^,。;]+?)外|([^,。;()]+?)除外|但([^,。;]+?)除外")
_BASIS = re.compile(r"以\s*([^計()]+?)\s*計")
_ZH_AGES = {"三": 3, "六": 6, "十": 10}
# Clauses that state a purity, pH, mixing ratio or residue spec: conditions, not use rules.
_SPEC = re.compile(
    r"pH|純度|比例|殘留|不純物|亞硝|Nitrosamine|釋出|總量|相當於|鹼度", re.IGNORECASE
)

# zh-TW place/product word -> restriction rule of restrictions.Restriction.
_TARGETS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"尿布", "nappy"),
        (r"噴霧", "spray"),
        (r"黏膜", "mucous"),
        (r"口腔", "oral"),
        (r"眼", "eye"),
        (r"唇", "lip"),
        (r"身體乳液|身體乳霜", "body_lotion"),
    )
)


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def basis(max_text: str) -> str | None:
    """The "以…計" (calculated as) basis of a TFDA limit: acid, F, Hg, Zn or the text itself."""
    m = _BASIS.search(nfkc(max_text))
    if m is None:
        return None
    raw = m.group(1).strip()
    low = raw.casefold()
    if low == "acid":
        return "acid"
    if raw in ("F", "Hg", "Zn", "Sr"):
        return raw
    # an element written as a word ("以strontium計") converts like its symbol
    return _ELEMENT_WORDS.get(low, raw)


_ELEMENT_WORDS = {"strontium": "Sr", "zinc": "Zn", "mercury": "Hg", "fluorine": "F", "氟": "F"}


@dataclass(frozen=True, slots=True)
class TwClauses:
    restrictions: tuple[Restriction, ...]
    only_in: tuple[tuple[str, tuple[str, ...]], ...]  # (clause, labels): "限用於…" scopes
    unread: tuple[str, ...]  # clauses kept verbatim as conditions to review


def _exceptions(clause: str) -> frozenset[str]:
    out: set[str] = set()
    for m in _EXCEPT.finditer(clause):
        tail = next(g for g in m.groups() if g)
        if "洗髮" in tail:
            out.add("shampoo")
        if "沐浴" in tail:
            out.add("shower_gel")
            out.add("bath")
        if "漱口水" in tail:
            out.add("mouthwash")
    return frozenset(out)


def _strip_exceptions(clause: str) -> str:
    return _EXCEPT.sub(" ", clause)


_ALIASES = re.compile(r"別名\s*:\s*([^;]*)")
_RULE_PREFIX = re.compile(r"限制規定\s*:\s*")


def aliases(other_text: str) -> tuple[str, ...]:
    """Colorant other names ("別名: Pigment Green 8 | Ext. D&C Green No. 1")."""
    m = _ALIASES.search(nfkc(other_text))
    if m is None:
        return ()
    return tuple(a.strip() for a in m.group(1).split("|") if a.strip())


def _sentences(text: str) -> list[str]:
    text = _RULE_PREFIX.sub("", _ALIASES.sub(" ", _NOTE.sub(" ", nfkc(text))))
    return [s.strip(" ,") for s in re.split(r"[。;\n]|(?<=\))\s+(?=\()", text) if s.strip(" ,")]


def _read(sentence: str, labels: tuple[str, ...]) -> tuple[list[Restriction], bool, bool]:
    """(restrictions, an only-in clause, read at all)."""
    found: list[Restriction] = []
    if _PROFESSIONAL.search(sentence):
        return [Restriction("professional", sentence, labels)], False, True
    m = _NOT_USE.search(sentence)
    if m is not None:
        target = m.group(1)
        exceptions = _exceptions(sentence)
        core = _strip_exceptions(target)
        age = _CHILD_AGE.search(sentence)
        if age is not None:
            raw = age.group(1)
            years = int(raw) if raw.isdigit() else _ZH_AGES.get(raw)
            rule = "nappy" if "尿布" in core else "children"
            found.append(Restriction(rule, sentence, labels, exceptions, years))
            return found, False, True
        if "染髮" in core:
            return [Restriction("hair_dye", sentence, labels)], False, True
        for pattern, rule in _TARGETS:
            if pattern.search(core):
                ex = exceptions if rule == "oral" else frozenset()
                found.append(Restriction(rule, sentence, labels, ex))
        return found, False, bool(found)
    if "非接觸" in sentence:  # colorant classes 2/3: "限用於非接觸眼部周圍/黏膜之化粧品"
        found = [Restriction(r, sentence, labels) for p, r in _TARGETS if p.search(sentence)]
        return found, False, bool(found)
    if "所有化粧品" in sentence:  # colorant class 1: every cosmetic
        return [], False, True
    m = _ONLY.search(sentence)
    if m is not None:
        tags, _ = text_tags(m.group(1))
        if not tags - {"other"}:
            return [], False, False
        return [Restriction("only_in", sentence, labels, required=tags - {"other"})], True, True
    return [], False, False


@lru_cache(maxsize=4096)
def parse_tw_clauses(other_text: str, product_type_text: str = "") -> TwClauses:
    """Structured restrictions and the unread clauses of a TFDA entry's 備註 / 其他 text."""
    restrictions: list[Restriction] = []
    only: list[tuple[str, tuple[str, ...]]] = []
    unread: list[str] = []
    preamble, by_label = segments_by_label(_NOTE.sub(" ", nfkc(other_text)))
    parts = [((), preamble), *(((k,), v) for k, v in by_label.items())]
    for labels, text in parts:
        for sentence in _sentences(text):
            got, is_only, read = _read(sentence, labels)
            if re.match(r"\s*\([a-z]\d\)", sentence) or (labels and re.search(r"\d", labels[0])):
                # "(a2)限美髮專業技術人士使用": the professional tier of (a); the limit applied to
                # (a) is its general tier (a1), so no product is held to professional-only use
                got = [r for r in got if r.rule != "professional"]
            restrictions += got
            if is_only:
                only.append((sentence, labels))
            if not read:
                unread.append(sentence)
    for sentence in _sentences(product_type_text):
        got, is_only, _ = _read(sentence, ())
        restrictions += [r for r in got if r.rule != "professional"]
        if is_only:
            only.append((sentence, ()))
    return TwClauses(tuple(restrictions), tuple(only), tuple(dict.fromkeys(unread)))


def is_spec(clause: str) -> bool:
    """A purity / pH / ratio / residue / release specification (a condition to review)."""
    return bool(_SPEC.search(clause))


@dataclass(frozen=True, slots=True)
class EntryRules:
    """What the check makes of one TFDA row: structured rules, and conditions left to review."""

    rules: tuple[str, ...]
    conditions: tuple[str, ...]


_CONDITIONAL_BAN = (
    (re.compile(r"不得使用於染髮用途"), "prohibited in hair-dye products only"),
    (re.compile(r"(?:使用|用)於.+?產品(?:中|時).*?不得超過"), "prohibited except a per-use limit"),
    (re.compile(r"另有規定者除外"), "prohibited unless another TW list governs the use"),
    (re.compile(r"使用於染髮[^。]*?除外"), "prohibited except in hair-dye products (review)"),
    (
        re.compile(r"殘留微量|不純物|殘留量|殘留限量"),
        "trace-residue impurity limit (not a permission)",
    ),
)


def entry_rules(entry: RegulatedEntry) -> EntryRules:
    """The structured rules and reported conditions of a TW entry (issue 19 acceptance: every row
    yields one or the other). Mirrors what engine._check_tw_prohibited / _check_limited do."""
    rules: list[str] = []
    conditions: list[str] = []
    note = _NOTE.sub(" ", nfkc(entry.other_text)).strip()
    if entry.list_type == "prohibited":
        rules.append("prohibited")
        rules += [label for pattern, label in _CONDITIONAL_BAN if pattern.search(note)]
        if note and len(rules) == 1:
            conditions.append(note)  # shown with the ban for review; the ban stays
        return EntryRules(tuple(rules), tuple(conditions))
    if entry.limits or entry.max_concentration_pct is not None:
        rules.append(f"limit ({len(entry.limits) or 1})")
        if basis(entry.max_text):
            rules.append(f"calculated as {basis(entry.max_text)}")
    elif entry.max_text:
        conditions.append(f"limit text not comparable: {entry.max_text}")
    if entry.categories and any(c.label for c in entry.categories):
        rules.append(f"product-type categories ({len(entry.categories)})")
    clauses = parse_tw_clauses(entry.other_text, entry.product_type_text)
    rules += [f"restriction {r.rule}" for r in clauses.restrictions]
    if entry.list_type == "colorant" and "所有化粧品" in nfkc(entry.product_type_text):
        rules.append("colorant class 1: all cosmetics")
    if entry.warnings_text:
        rules.append("label warning")
    if aliases(entry.other_text):
        rules.append("other names (matched)")
    conditions += clauses.unread
    return EntryRules(tuple(dict.fromkeys(rules)), tuple(conditions))
