"""TW vs EU cross-check: substances where the TFDA lists and the EU annexes disagree (issue 19
item 7). Matching is by CAS and exact name only (the engine's identity rules), never substring.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.engines.regulatory.models import RegulatedEntry

# A leave-on face product for the general population (product.product_tags of that description).
REFERENCE_TAGS = frozenset({"leave_on", "face", "skin"})
Kind = str  # prohibited_tw_only | prohibited_eu_only | tw_limit_higher | tw_limit_lower


@dataclass(frozen=True, slots=True)
class Disagreement:
    kind: Kind
    substance: str
    cas: tuple[str, ...]
    tw_reference: str
    tw_status: str
    tw_limit: float | None
    eu_reference: str
    eu_status: str
    eu_limit: float | None


@dataclass(frozen=True, slots=True)
class Comparison:
    rows: tuple[Disagreement, ...]
    tw_entries: int
    eu_entries: int
    tw_matched: int  # TW entries with at least one EU entry for the same substance
    tw_prohibited_eu_silent: int  # TW bans, no EU entry names the substance

    def count(self, kind: Kind) -> int:
        return sum(1 for r in self.rows if r.kind == kind)


def plain_limit(entry: RegulatedEntry) -> float | None:
    """The entry's limit when it is one value for every product (no categories), else None."""
    if entry.categories or len({lim.max_pct for lim in entry.limits}) > 1:
        return None
    if entry.limits:
        return entry.limits[0].max_pct
    return entry.max_concentration_pct


def _status(entry: RegulatedEntry, limit: float | None) -> str:
    if entry.list_type == "prohibited":
        if entry.jurisdiction == "TW":
            from app.engines.regulatory.tw_text import entry_rules

            conditional = entry_rules(entry).rules[1:]
            return f"prohibited ({conditional[0]})" if conditional else "prohibited"
        return "prohibited"
    if limit is not None:
        return f"{entry.list_type} max {limit:g} %"
    return f"{entry.list_type} ({'per category' if entry.categories else 'no plain limit'})"


def _limit_for(entry: RegulatedEntry, tags: frozenset[str]) -> float | None:
    from app.engines.regulatory.engine import _applicable_limit

    limit, _, outside, _ = _applicable_limit(entry, tags)
    return None if outside else limit


def _same_use(tw: RegulatedEntry, eu: RegulatedEntry) -> bool:
    """Both limits govern the same use (a restricted-list limit is for uses other than the
    positive list's, e.g. a preservative limit vs a limit for other functions)."""
    return tw.list_type == eu.list_type


def compare(entries: Iterable[RegulatedEntry], tags: frozenset[str] = REFERENCE_TAGS) -> Comparison:
    """Every TW entry against the EU entries naming the same substance (CAS, then exact name).

    Limits are those applying to a reference product (`tags`; default a leave-on face product
    for the general population), the same selection the formula check makes.
    """
    from app.engines.regulatory.engine import NameIndex  # the engine's exact-identity index

    all_entries = list(entries)
    tw = [e for e in all_entries if e.jurisdiction == "TW"]
    eu = [e for e in all_entries if e.jurisdiction == "EU"]
    index = NameIndex.build(eu)
    rows: list[Disagreement] = []
    matched = silent = 0
    seen: set[tuple[str, str, Kind]] = set()
    for t in tw:
        names = [n for n in (t.inci_name, t.chemical_name) if n]
        hits = index.match(names, t.cas_numbers)
        if not hits:
            silent += t.list_type == "prohibited"
            continue
        matched += 1
        for e in hits:
            kind: Kind | None = None
            t_lim, e_lim = _limit_for(t, tags), _limit_for(e, tags)
            if t.list_type == "prohibited" and e.list_type != "prohibited":
                kind = "prohibited_tw_only"
            elif e.list_type == "prohibited" and t.list_type != "prohibited":
                if "hair dye" in e.chemical_name.casefold():
                    continue  # EU bans it only as a hair-dye substance: a condition, not a ban
                kind = "prohibited_eu_only"
            elif t_lim is not None and e_lim is not None and _same_use(t, e):
                if t_lim > e_lim:
                    kind = "tw_limit_higher"
                elif t_lim < e_lim:
                    kind = "tw_limit_lower"
            if kind is None or (t.reference, e.reference, kind) in seen:
                continue
            seen.add((t.reference, e.reference, kind))
            rows.append(
                Disagreement(
                    kind=kind,
                    substance=t.inci_name or t.chemical_name,
                    cas=t.cas_numbers,
                    tw_reference=t.reference,
                    tw_status=_status(t, t_lim),
                    tw_limit=t_lim,
                    eu_reference=e.reference,
                    eu_status=_status(e, e_lim),
                    eu_limit=e_lim,
                )
            )
    order = {"prohibited_tw_only": 0, "prohibited_eu_only": 1}
    rows.sort(key=lambda r: (order.get(r.kind, 2), r.kind, r.substance.casefold()))
    return Comparison(tuple(rows), len(tw), len(eu), matched, silent)


def render_table(result: Comparison) -> str:
    """A plain-text table an SA can read (one row per disagreement)."""
    head = ("kind", "substance", "CAS", "TW", "TW status", "EU", "EU status")
    body = [
        (
            r.kind,
            r.substance[:48],
            ", ".join(r.cas[:2]) + (" ..." if len(r.cas) > 2 else ""),
            r.tw_reference,
            r.tw_status,
            r.eu_reference,
            r.eu_status,
        )
        for r in result.rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=False)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) for row in body]
    sep = "  ".join("-" * w for w in widths)
    header = "  ".join(c.ljust(w) for c, w in zip(head, widths, strict=True))
    kinds = ("prohibited_tw_only", "prohibited_eu_only", "tw_limit_higher", "tw_limit_lower")
    totals = ", ".join(f"{k} {result.count(k)}" for k in kinds)
    footer = (
        f"TW entries {result.tw_entries} (matched to EU {result.tw_matched}; TW-prohibited with "
        f"no EU entry {result.tw_prohibited_eu_silent}); EU entries {result.eu_entries}. "
        f"Disagreements: {totals}."
    )
    return "\n".join([header, sep, *lines, "", footer])
