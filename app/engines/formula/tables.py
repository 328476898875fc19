"""Which tables of a document hold the formula, and the blocks inside each table.

Workbooks: one sheet is the formula. Sheets named or shaped like revision history, change logs
or notes are skipped (``skipped`` says which and why); among the others a sheet named like a
formula (配方, formula, current ...) wins, then the one with the most ingredient rows. Other
documents: the first table with a header plus continuation tables (next PDF/DOCX page).

Inside a table, several blocks may follow one another: the formula, then e.g. "Table 2 -
composition of <trade name>" with its own header. Each block is a :class:`Block`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from app.engines.formula.header import HeaderMatch, find_header
from app.engines.formula.readers import Table
from app.engines.formula.rows import RawRow, scan_rows

_REVISION_NAME = re.compile(
    r"revision|\brev\b|history|change|log\b|notes?\b|remarks?|readme|instruction|archive|"
    r"old\b|superseded|obsolete|修訂|修改|變更|变更|版本|歷史|历史|履歷|記錄|紀錄|记录|備註|备注|說明|说明|舊|旧",
    re.IGNORECASE,
)
_FORMULA_NAME = re.compile(
    r"formula|formulation|recipe|current|配方|處方|处方|組成|组成", re.IGNORECASE
)
_COMPOSITION_SHEET = re.compile(
    r"^(table|tab\.|表)\s*[0-9]+|composition|breakdown|blend|組成|组成|原料組成", re.IGNORECASE
)
_REVISION_HEADER = re.compile(
    r"^(date|日期|version|版本|rev\.?|revision|修訂|變更|修改|changed\s*by|old|new|before|after|"
    r"舊|新|修改前|修改後|變更前|變更後|reason|原因)\b",
    re.IGNORECASE,
)


@dataclass
class Block:
    """One header and its data rows inside a table; ``title`` is the text line above it."""

    table: Table
    header: HeaderMatch
    rows: list[RawRow]
    title: str = ""

    @property
    def label(self) -> str:
        """Where the block sits, for notes."""
        return f"{self.table.origin}" + (f" ({self.title})" if self.title else "")


@dataclass
class Selection:
    """The formula blocks in reading order, extra blocks (candidate compositions), skips."""

    main: list[Block] = field(default_factory=list)
    extra: list[Block] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    source: str | None = None


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _title_above(table: Table, header: HeaderMatch) -> str:
    """The nearest one-cell text row within three rows above the header (a table title)."""
    for r in range(header.row - 1, max(-1, header.row - 4), -1):
        cells = [c.strip() for c in table.rows[r] if c.strip()]
        if len(set(cells)) == 1:
            return _norm(cells[0])
        if cells:
            break
    return table.title


def blocks_of(table: Table) -> list[Block]:
    """Every header block in a table, top to bottom."""
    out: list[Block] = []
    start = 0
    while start < len(table.rows):
        header = find_header(table.rows, start)
        if header is None:
            break
        # The best-scoring header may belong to a later block (a composition table with more
        # columns): an earlier header with its own rows above it comes first.
        earlier = find_header(table.rows[: header.row], start)
        if earlier is not None:
            rows_above, _ = scan_rows(Table(table.rows[: header.row], "", table.merged), earlier)
            if len(rows_above) >= 1:
                header = earlier
        rows, end = scan_rows(table, header)
        out.append(Block(table, header, rows, _title_above(table, header)))
        start = max(end, header.row + header.height)
    return out


def _revision_like(table: Table, blocks: list[Block]) -> str | None:
    name = table.origin.removeprefix("sheet ").strip("'")
    if _REVISION_NAME.search(name) and not _FORMULA_NAME.search(name):
        return f"named '{name}' (revision history / notes)"
    if blocks:
        head = table.rows[blocks[0].header.row]
        if sum(1 for c in head if _REVISION_HEADER.match(_norm(c))) >= 1:
            return "its columns are a revision log (date / version / old / new)"
    return None


_VERSION = re.compile(r"(?:\bv|ver\.?|version|rev\.?|revision|\br|第)\s*(\d{1,3})", re.IGNORECASE)


def _version(origin: str) -> int:
    m = _VERSION.search(origin)
    return min(int(m.group(1)), 999) if m else 0


def _pick_sheet(tables: list[Table]) -> Selection:
    selection = Selection()
    scored: list[tuple[int, int, int, Table, list[Block]]] = []
    fallback: list[tuple[int, Table, list[Block]]] = []
    for index, table in enumerate(tables):
        blocks = blocks_of(table)
        if not blocks:
            selection.skipped.append(f"{table.origin}: no ingredient header")
            continue
        reason = _revision_like(table, blocks)
        rows = sum(len(b.rows) for b in blocks[:1])
        if reason is not None:
            selection.skipped.append(f"{table.origin}: skipped, {reason}")
            fallback.append((rows, table, blocks))
            continue
        named = 1 if _FORMULA_NAME.search(table.origin) else 0
        # "Formula v2" / "Rev 3" / "第3版": the highest version is the current formula.
        scored.append((named * 1000 + _version(table.origin), rows, -index, table, blocks))
    if not scored and fallback:
        # Only revision-like sheets have a table: read the largest rather than return nothing.
        rows, table, blocks = max(fallback, key=lambda f: f[0])
        selection.skipped = [s for s in selection.skipped if not s.startswith(table.origin)]
        selection.skipped.append(f"{table.origin}: read although it looks like a revision sheet")
        scored.append((0, rows, 0, table, blocks))
    if not scored:
        return selection
    scored.sort(key=lambda s: (s[0], s[1], s[2]), reverse=True)
    _, _, _, table, blocks = scored[0]
    selection.main, selection.extra = blocks[:1], blocks[1:]
    for _, _, _, other, other_blocks in scored[1:]:
        name = other.origin.removeprefix("sheet ").strip("'")
        first = other_blocks[0]
        first.title = first.title or name
        if _COMPOSITION_SHEET.search(first.title):
            selection.extra.append(first)  # "Table 2" / "Blend composition": may be joined
            continue
        selection.skipped.append(f"{other.origin}: skipped, another sheet holds the formula")
    selection.source = table.origin
    return selection


def select_blocks(tables: list[Table]) -> Selection:
    """The formula blocks of a document (see the module docstring)."""
    if tables and all(t.origin.startswith("sheet ") for t in tables):
        return _pick_sheet(tables)
    selection = Selection()
    width = 0
    for table in tables:
        blocks = blocks_of(table)
        if not blocks:
            if not selection.main or max(len(r) for r in table.rows) != width:
                continue
            # Continuation table (next PDF page): same columns, no header row of its own.
            first = selection.main[0].header
            header = HeaderMatch(-1, first.columns, 1, first.labels)
            rows, _ = scan_rows(table, header)
            selection.main.append(Block(table, header, rows))
            continue
        if not selection.main:
            selection.main.append(blocks[0])
            selection.extra.extend(blocks[1:])
            selection.source = table.origin
            width = max(len(r) for r in table.rows)
            continue
        selection.extra.extend(blocks)
    return selection
