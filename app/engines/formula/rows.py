"""Data rows under a detected header, and grouping of trade-name mixtures into ingredient lines.

Sub-rows of a trade-name mixture are recognised when (any of): the concentration cell is merged
with the head row's; the row is indented or bulleted; a trade-name column is blank while the head
row's is filled and the row has no own concentration; or the head's name is not a known INCI name
and the row has no own concentration. Component concentrations come from, in order: a
"% in raw material" column (total x share), sub-row values that add up to the head total (taken as
is), sub-row values adding up to ~100 (shares), otherwise unknown (None, flagged).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app.engines.formula.concentration import ParsedConcentration, parse_concentration
from app.engines.formula.header import Field, HeaderMatch, is_header_like
from app.engines.formula.inci import split_mixture
from app.engines.formula.readers import Cell, Table
from app.engines.substance import split_cas_cell

_BULLET = re.compile(r"^\s*(?:[-–•·*>└├→]|\d+\.\d+\s)\s*")
_STOP = re.compile(
    r"^\s*(total|sum|grand\s*total|合計|合计|總計|总计|總和|共計|共计)", re.IGNORECASE
)
# Subtotals are skipped, not a stop: the next phase follows ("Phase A 小計", "Subtotal B").
_SUBTOTAL = re.compile(
    r"小計|小计|sub\s*-?\s*total|^\s*(phase|part|相)\s*\S+\s*(total|合計|合计)|"
    r"^\s*(total|合計|合计|sum)\W{0,3}(of\s*)?(phase|part|相)|"
    r"^\s*\S{1,3}\s*相\s*(total|合計|合计)",
    re.IGNORECASE,
)
# A phase heading row ("Phase A", "A 相", "油相 Oil phase") with no value of its own.
_PHASE = re.compile(
    r"^\s*(phase\s*[A-Z0-9IVX]{1,3}\b.*|part\s*[A-Z0-9]\b.*|[A-Z]\s*相.*|相\s*[A-Z0-9]{1,3}\b.*|"
    r"(水相|油相|乳化相|後添加相?|后添加相?|添加相|water\s*phase|oil\s*phase|cool[- ]?down\s*phase)"
    r".*)$",
    re.IGNORECASE,
)
_PHASE_LETTER = re.compile(r"^[A-H]$")
# A title that starts another table in the same grid ("Table 2 - composition of ...").
_TABLE_TITLE = re.compile(
    r"^\s*(table|tab\.|表)\s*[0-9一二三四五]+|composition\s+of|組成|组成|成分組成|原料組成",
    re.IGNORECASE,
)


@dataclass
class RawRow:
    """One data row, cell texts by field, plus layout hints."""

    index: int
    cells: dict[Field, str]
    indented: bool
    conc_origin: Cell | None
    phase: str = ""
    ocr_conf: dict[Field, float] = field(default_factory=dict)

    def get(self, name: Field) -> str:
        """Cell text for a field (empty string if the column is absent)."""
        return self.cells.get(name, "").strip()


@dataclass
class Line:
    """One ingredient candidate before dictionary resolution."""

    raw_name: str
    cas_text: str
    conc: ParsedConcentration
    function: str
    zh: str
    row: int
    flags: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    group_total: float | None = None
    group_id: int | None = None
    conc_confidence: float | None = None
    from_blend: str | None = None
    phase: str = ""
    trade: str = ""
    remark: str = ""
    # OCR recognition score of the cells this line was read from (absent: not OCR'd).
    ocr_conf: dict[Field, float] = field(default_factory=dict)
    ocr_page: int | None = None


def phase_label(text: str) -> str | None:
    """The phase a heading row names ("Phase A", "A相"), or None."""
    text = text.strip()
    if not text or len(text) > 40 or not _PHASE.match(text):
        return None
    return text


def is_subtotal(text: str) -> bool:
    """A subtotal row label in English or Chinese (skipped, the table goes on)."""
    return bool(_SUBTOTAL.search(text))


def table_title(row: list[str]) -> str | None:
    """The text of a one-cell row that titles another table in the same grid, or None."""
    cells = [c.strip() for c in row if c.strip()]
    if len(set(cells)) == 1 and _TABLE_TITLE.search(cells[0]):
        return cells[0]
    return None


def scan_rows(table: Table, header: HeaderMatch) -> tuple[list[RawRow], int]:
    """Data rows under ``header`` and the index of the first row after the block.

    Blank rows, repeated header rows, subtotal rows and phase headings are skipped; a Total row
    or the title of another table ends the block.
    """
    out: list[RawRow] = []
    conc_col = header.columns.get("conc")
    phase = ""
    for r in range(header.row + header.height, len(table.rows)):
        row = table.rows[r]
        if not any(c.strip() for c in row):
            continue
        if table_title(row) is not None:
            return out, r
        if is_header_like(row):
            continue
        cells = {f: (row[i] if i < len(row) else "") for f, i in header.columns.items()}
        first = next((c for c in row if c.strip()), "")
        name = cells.get("name", "")
        if is_subtotal(name) or is_subtotal(first):
            continue
        if _STOP.match(name) or _STOP.match(first):
            return out, r + 1
        has_value = parse_concentration(cells.get("conc", "")).kind != "empty"
        label = phase_label(name) or phase_label(first)
        filled = [c.strip() for c in row if c.strip()]
        if label is None and len(filled) == 1 and _PHASE_LETTER.match(filled[0]):
            label = filled[0]  # a bare "A" / "B" row above the phase's lines
        if label is not None and not has_value and not cells.get("cas", "").strip():
            phase = label
            continue
        if not name.strip() and not cells.get("trade", "").strip():
            continue
        indented = bool(name.strip()) and (name[:1].isspace() or bool(_BULLET.match(name)))
        origin = table.merged.get((r, conc_col)) if conc_col is not None else None
        own_phase = cells.get("phase", "").strip()
        ocr = {
            f: table.confidence[(r, i)]
            for f, i in header.columns.items()
            if (r, i) in table.confidence
        }
        out.append(RawRow(r, cells, indented, origin, own_phase or phase, ocr))
    return out, len(table.rows)


def data_rows(table: Table, header: HeaderMatch) -> list[RawRow]:
    """Rows after the header up to a Total row; blank and repeated header rows skipped."""
    return scan_rows(table, header)[0]


def _has_own_conc(row: RawRow) -> bool:
    return row.conc_origin is None and parse_concentration(row.get("conc")).kind != "empty"


def _is_child(head: RawRow, row: RawRow, has_kids: bool, known: Callable[[str], bool]) -> bool:
    if row.conc_origin is not None and row.conc_origin[0] == head.index:
        return True
    if row.indented and not head.indented:
        return True
    own = _has_own_conc(row)
    if head.get("trade") and not row.get("trade") and not own and "trade" in row.cells:
        return True
    if own:
        return False
    head_value = parse_concentration(head.get("conc")).value
    return (has_kids or head_value is not None) and not known(head.get("name"))


def _value(row: RawRow) -> float | None:
    return parse_concentration(row.get("conc")).value if _has_own_conc(row) else None


def _share_runs(rows: list[RawRow], known: Callable[[str], bool]) -> set[int]:
    """Rows that are shares of the trade-name row above them, written in the % column.

    ``Euxyl PE 9010 | 1`` then ``Phenoxyethanol | 90``, ``Ethylhexylglycerin | 10``: the run adds
    up to 100 (or 1) and read literally the formula would far exceed 100 %, so the run is the
    blend's composition, not formula lines.
    """
    values = [_value(r) for r in rows]
    if sum(v for v in values if v is not None) <= 102.0:
        return set()
    children: set[int] = set()
    for i, head in enumerate(rows):
        if values[i] is None or known(head.get("name")) or i in children:
            continue
        total = 0.0
        for j in range(i + 1, len(rows)):
            v = values[j]
            if v is None:
                break
            total += v
            if j - i >= 2 and (abs(total - 100.0) <= 0.5 or abs(total - 1.0) <= 0.005):
                children.update(range(i + 1, j + 1))
                break
            if total > 100.5:
                break
    return children


def group_rows(rows: list[RawRow], known: Callable[[str], bool]) -> list[list[RawRow]]:
    """Group rows into [head, *sub-rows] lists."""
    groups: list[list[RawRow]] = []
    shares = _share_runs(rows, known)
    for i, row in enumerate(rows):
        if groups and (i in shares or _is_child(groups[-1][0], row, len(groups[-1]) > 1, known)):
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _clean_name(text: str) -> str:
    # Only layout (indent, bullets, line breaks) is removed; the name itself is kept as written.
    return _BULLET.sub("", text).replace("\n", " ").strip()


def _line(row: RawRow, name: str, conc: ParsedConcentration, cas: str | None = None) -> Line:
    return Line(
        raw_name=_clean_name(name),
        cas_text=row.get("cas") if cas is None else cas,
        conc=conc,
        function=row.get("function"),
        zh=row.get("zh"),
        row=row.index + 1,
        phase=row.phase,
        trade=row.get("trade"),
        remark=row.get("remark"),
        ocr_conf=dict(row.ocr_conf),
    )


def expand_group(group: list[RawRow], group_id: int) -> list[Line]:
    """Turn one row group into ingredient lines (splitting ``(and)`` mixtures)."""
    head = group[0]
    head_conc = parse_concentration(head.get("conc"))
    name = head.get("name") or head.get("trade")
    if len(group) == 1:
        parts = split_mixture(name)
        if len(parts) <= 1:
            line = _line(head, name, head_conc)
            if head.get("trade") and not head.get("name"):
                # A trade name with no INCI and no breakdown: one line the SA must resolve.
                line.flags.append("blend_unresolved")
                line.notes.append("trade-name raw material without its composition")
            return [line]
        cas_parts = split_cas_cell(head.get("cas"))
        aligned = len(cas_parts) == len(parts)
        lines = [
            _line(head, p, parse_concentration(None), cas_parts[i] if aligned else "")
            for i, p in enumerate(parts)
        ]
        return _mark_unknown(lines, name, head_conc.value, group_id)
    merged = any(r.conc_origin is not None for r in group[1:])
    head_is_part = bool(head.get("trade") and head.get("name")) or merged
    trade = head.get("trade") or name
    members = group if head_is_part else group[1:]
    lines = [_line(r, r.get("name") or r.get("trade"), parse_concentration(None)) for r in members]
    total = head_conc.value
    shares = [parse_concentration(r.get("part")).value for r in members]
    own = [parse_concentration(r.get("conc")).value if _has_own_conc(r) else None for r in members]
    if total is not None and all(s is not None for s in shares):
        per = share_base([s or 0.0 for s in shares])
        values = [total * (s or 0.0) / per for s in shares]
        return _mark_known(lines, values, trade, total, group_id, 0.9)
    if all(v is not None for v in own):
        values = [v or 0.0 for v in own]
        s = sum(values)
        if total is None or abs(s - total) <= max(0.01, 0.02 * total):
            return _mark_known(lines, values, trade, total or s, group_id, 0.95)
        if total is not None and (abs(s - 100.0) <= 1.0 or abs(s - 1.0) <= 0.01):
            per = share_base(values)
            values = [total * v / per for v in values]
            return _mark_known(lines, values, trade, total, group_id, 0.9)
        for line in lines:
            line.notes.append(f"sub-rows do not add up to the trade-name total {total:g} %")
        return _mark_known(lines, values, trade, total, group_id, 0.5)
    return _mark_unknown(lines, trade, total, group_id)


def share_base(shares: list[float]) -> float:
    """What the shares of a blend add up to: 1 for fractions (0.9 + 0.1), else 100 (%)."""
    return 1.0 if shares and abs(sum(shares) - 1.0) <= 0.01 and max(shares) <= 1.0 else 100.0


def _mark_known(
    lines: list[Line], values: list[float], trade: str, total: float, gid: int, confidence: float
) -> list[Line]:
    for line, value in zip(lines, values, strict=True):
        line.conc = ParsedConcentration(round(value, 6), "number")
        line.conc_confidence = confidence
        line.flags.append("mixture_part")
        line.group_id = gid
        line.group_total = total
        line.from_blend = _clean_name(trade)
        line.notes.append(f"part of trade-name mixture '{_clean_name(trade)}' ({total:g} % total)")
    return lines


def _mark_unknown(lines: list[Line], trade: str, total: float | None, gid: int) -> list[Line]:
    for line in lines:
        line.flags.append("mixture_part")
        line.group_total = total
        line.group_id = gid
        line.from_blend = _clean_name(trade)
        share = f"{total:g} % total" if total is not None else "total unknown"
        line.notes.append(
            f"part of trade-name mixture '{_clean_name(trade)}' ({share}); share unknown"
        )
    return lines
