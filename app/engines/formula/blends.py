"""Trade-name blends: composition tables joined to formula lines, and parts summed by substance.

A formula line naming a trade-name raw material is replaced by its parts at parent % x share
when its composition is found: a later table referenced by number ("SEE TABLE 2", "見表2") or
titled with the trade name ("Table 2 - composition of Euxyl PE 9010"). Shares may be percent
(adding to ~100) or fractions (adding to ~1). A referenced table that is missing leaves one line
flagged ``blend_unresolved``. After dictionary resolution, a substance that occurs both as a blend
part and elsewhere is one line with the summed value; ``from_blend`` names every origin.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from app.engines.formula.concentration import ParsedConcentration, parse_concentration
from app.engines.formula.resolve import Resolved
from app.engines.formula.rows import Line, share_base
from app.engines.formula.tables import Block

_REF = re.compile(
    r"[\s,;:，、。]*[(（]?\s*(?:see|refer\s*to|ref\.?|cf\.?|參見|参见|參考|参考|詳見|详见|請見|见|見)\s*"
    r"(?:table|tab\.?|表)\s*([0-9]+)\s*[)）]?\s*$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"(?:table|tab\.?|表)\s*([0-9]+)", re.IGNORECASE)
_COMPOSITION = re.compile(r"composition|breakdown|組成|组成|成分比例|blend|混合", re.IGNORECASE)
_TRADE_MARK = re.compile(r"[®™]|\(r\)|\(tm\)", re.IGNORECASE)
_SHARE_TOLERANCE = 2.0


@dataclass
class Composition:
    """A blend's parts: (name, CAS text, share) with the share base (100 or 1)."""

    block: Block
    number: int | None
    parts: list[tuple[str, str, float | None]]

    @property
    def title(self) -> str:
        """The block's title text."""
        return self.block.title


def split_reference(name: str) -> tuple[str, int | None]:
    """``"Blend X, SEE TABLE 2"`` -> (``"Blend X"``, 2); no reference -> (name, None)."""
    m = _REF.search(unicodedata.normalize("NFKC", name))
    if m is None:
        return name, None
    rest = unicodedata.normalize("NFKC", name)[: m.start()].strip(" ,;:-")
    return rest, int(m.group(1))


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z\u3400-\u9fff]", "", unicodedata.normalize("NFKC", text).lower())


def composition_of(block: Block, order: int) -> Composition:
    """Read a block as a composition: share from a "% in raw material" column, else the % one."""
    parts: list[tuple[str, str, float | None]] = []
    for row in block.rows:
        share_cell = row.get("part") if row.get("part") else row.get("conc")
        parts.append(
            (
                row.get("name") or row.get("trade"),
                row.get("cas"),
                parse_concentration(share_cell).value,
            )
        )
    m = _NUMBER.search(block.title)
    return Composition(block, int(m.group(1)) if m else order + 2, parts)


def looks_like_composition(block: Block) -> bool:
    """A block titled as a composition / blend table (never read as formula lines)."""
    return bool(_COMPOSITION.search(block.title) or _NUMBER.search(block.title))


def _find(name: str, ref: int | None, comps: list[Composition]) -> Composition | None:
    if ref is not None:
        return next((c for c in comps if c.number == ref), None)
    key = _key(name)
    if len(key) < 4:
        return None
    return next((c for c in comps if key in _key(c.title)), None)


def join_compositions(
    lines: list[Line], blocks: list[Block], known: set[int], next_gid: int
) -> tuple[list[Line], set[int]]:
    """Replace blend lines by their parts; returns the new lines and the blocks used.

    ``known`` holds the indexes of lines whose name is a dictionary INCI name (never a blend).
    """
    comps = [composition_of(b, i) for i, b in enumerate(blocks)]
    used: set[int] = set()
    out: list[Line] = []
    for index, line in enumerate(lines):
        name, ref = split_reference(line.raw_name)
        if ref is None:
            # The reference may sit in another cell ("Remarks: see table 2").
            for cell in (line.remark, line.function, line.cas_text):
                _, ref = split_reference(cell)
                if ref is not None:
                    if cell == line.cas_text:
                        line.cas_text = ""  # "see table 2" in the CAS column is not a CAS
                    break
        name = name or line.trade
        comp = None if index in known and ref is None else _find(name, ref, comps)
        if comp is None:
            if ref is not None:
                line.raw_name = name or line.raw_name
                line.flags.append("blend_unresolved")
                line.notes.append(f"composition table {ref} referenced but not found")
            out.append(line)
            continue
        used.add(comps.index(comp))
        next_gid += 1
        out.extend(_parts(line, name or comp.title, comp, next_gid))
    return out, used


def _parts(line: Line, trade: str, comp: Composition, gid: int) -> list[Line]:
    shares = [s for _, _, s in comp.parts]
    total = line.conc.value
    known = [s for s in shares if s is not None]
    base = share_base(known)
    adds_up = len(known) == len(shares) and abs(sum(known) / base * 100 - 100) <= _SHARE_TOLERANCE
    parts: list[Line] = []
    for part_name, cas, share in comp.parts:
        value = None if total is None or share is None else round(total * share / base, 6)
        conc = (
            ParsedConcentration(value, "number")
            if value is not None
            else ParsedConcentration(None, "empty")
        )
        part = Line(
            raw_name=part_name.strip(),
            cas_text=cas,
            conc=conc,
            function=line.function,
            zh="",
            row=line.row,
            flags=["mixture_part"],
            notes=[
                f"part of trade-name blend '{trade}' ({'' if total is None else f'{total:g} % x '}"
                f"{'?' if share is None else f'{share:g}'}{'' if base == 1.0 else ' %'} share, "
                f"composition from {comp.block.label})"
            ],
            group_total=total,
            group_id=gid,
            conc_confidence=(0.9 if adds_up else 0.5) if value is not None else None,
            from_blend=trade,
            phase=line.phase,
        )
        if value is not None and not adds_up:
            part.notes.append(f"the composition shares add up to {sum(known):g}, not {base:g}")
        parts.append(part)
    return parts


def flag_trade_names(resolved: list[Resolved]) -> None:
    """An unmatched name carrying a trade mark is a blend without a breakdown."""
    for r in resolved:
        if "unmatched" in r.flags and _TRADE_MARK.search(r.line.raw_name):
            r.flags.append("blend_unresolved")
            r.notes.append("trade-name raw material without its composition")


def merge_same_substance(resolved: list[Resolved]) -> list[Resolved]:
    """One line per substance when a blend part repeats a substance listed elsewhere."""
    by_name: dict[str, list[Resolved]] = {}
    for r in resolved:
        if r.inci_name:
            by_name.setdefault(r.inci_name.upper(), []).append(r)
    out: list[Resolved] = []
    done: set[int] = set()
    for r in resolved:
        if id(r) in done:
            continue
        group = by_name.get((r.inci_name or "").upper(), [r]) if r.inci_name else [r]
        mergeable = (
            len(group) > 1
            and any(g.line.from_blend for g in group)
            and all(g.value is not None for g in group)
        )
        if not mergeable:
            out.append(r)
            done.add(id(r))
            continue
        done.update(id(g) for g in group)
        out.append(_merge(group))
    return out


def _merge(group: list[Resolved]) -> Resolved:
    first = group[0]
    total = round(sum(g.value or 0.0 for g in group), 6)
    pieces = [
        f"{g.value:g} % "
        + (f"from '{g.line.from_blend}'" if g.line.from_blend else "listed directly")
        for g in group
    ]
    origins = list(dict.fromkeys(g.line.from_blend for g in group if g.line.from_blend))
    first.line.from_blend = "; ".join(o for o in origins if o)
    first.value = total
    first.conc_conf = min(g.conc_conf for g in group)
    first.cas_conf = min(g.cas_conf for g in group)
    first.inci_conf = min(g.inci_conf for g in group)
    first.flags = list(dict.fromkeys(f for g in group for f in g.flags))
    first.notes = [*first.notes, "summed: " + " + ".join(pieces) + f" = {total:g} %"]
    first.cas = first.cas or next((g.cas for g in group if g.cas), None)
    # The summed line no longer belongs to one blend group (its value is the substance total).
    first.line.group_id = None
    first.line.group_total = None
    return first
