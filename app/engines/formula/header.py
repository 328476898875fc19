"""Header-row detection for formula tables (English and Chinese vocabulary).

A header row may sit anywhere in the first rows (title blocks above it are common). Each cell is
classified into a field; the row with the most distinct fields that include a name column wins.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from dataclasses import field as dc_field
from itertools import zip_longest
from typing import Literal

Field = Literal["name", "trade", "cas", "conc", "part", "function", "zh", "phase", "remark"]

HEADER_SCAN_ROWS = 40
_MAX_HEADER_LEN = 48

# Ordered: the first rule that matches wins, so specific phrases precede generic ones
# ("成分比例" is a part-in-mixture column, not a name column; "INCI 中文名" is the zh column).
_RULES: list[tuple[Field, re.Pattern[str]]] = [
    ("phase", re.compile(r"^(phase|相|相別|相别|phase\s*/\s*相|相\s*/?\s*phase)$")),
    ("zh", re.compile(r"中文|chinese")),
    ("remark", re.compile(r"^(remarks?|notes?|comments?|備註|备注|說明|说明)\b")),
    (
        "part",
        re.compile(
            r"in\s*(raw\s*)?material|in\s*trade|in\s*mixture|in\s*rm\b|rm\s*%|原料中|組成比例|"
            r"成分比例|原料含量比例|composition\s*of\s*(raw|trade)|\bratio\b|比例|配比|\bshare\b|"
            r"(in|of)\s*(the\s*)?blend|blend\s*%"
        ),
    ),
    ("cas", re.compile(r"\bcas\b|cas\s*(no|number|#)|cas號")),
    (
        "conc",
        re.compile(
            r"%|％|含量|百分比|濃度|用量|配方量|添加量|w\s*/\s*w|\bconc\b|concentration|"
            r"percent|amount|\bqty\b|quantity|content|dosage|fraction|分率"
        ),
    ),
    ("function", re.compile(r"function|功能|用途|作用|使用目的|purpose|role")),
    ("trade", re.compile(r"trade|商品名|原料名|raw\s*material|supplier|product\s*name")),
    (
        "name",
        re.compile(
            r"\binci\b|inci名|ingredient|成分|全成分|component|chemical\s*name|英文名|"
            r"^name$|^names?\s*\(|名稱"
        ),
    ),
]


@dataclass(frozen=True)
class HeaderMatch:
    """Detected header: its row index and the column of each recognised field."""

    row: int
    columns: dict[Field, int]
    # Rows the header spans (two-row headers: a merged group label above the column labels).
    height: int = 1
    labels: dict[Field, str] = dc_field(default_factory=dict)

    @property
    def score(self) -> int:
        """Number of recognised fields."""
        return len(self.columns)


def _norm(cell: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", cell)).strip().lower()


def classify_header_cell(cell: str) -> Field | None:
    """Field a header cell names, or None."""
    text = _norm(cell)
    if not text or len(text) > _MAX_HEADER_LEN:
        return None
    for field, pattern in _RULES:
        if pattern.search(text):
            return field
    return None


def header_columns(row: list[str]) -> dict[Field, int]:
    """Map fields to column indexes for one candidate header row (first column wins)."""
    columns: dict[Field, int] = {}
    for i, cell in enumerate(row):
        field = classify_header_cell(cell)
        if field is not None and field not in columns:
            columns[field] = i
    if "name" not in columns and "trade" in columns:
        # Only a trade-name column: it is the best name we have.
        columns["name"] = columns.pop("trade")
    elif "name" not in columns and "zh" in columns:
        # Chinese-only sheet ("中文名稱" is the only name column): names resolve via zh_names.
        columns["name"] = columns["zh"]
    return columns


_NUMBER = re.compile(r"^\s*[<>≤~]?\s*\d+(?:[.,]\d+)?\s*%?\s*$")


def _labels(row: list[str], columns: dict[Field, int]) -> dict[Field, str]:
    return {f: _norm(row[i]) for f, i in columns.items() if i < len(row)}


def _two_row(rows: list[list[str]], index: int) -> HeaderMatch | None:
    """Header made of ``rows[index]`` and the next row read cell by cell (merged group labels)."""
    if index + 1 >= len(rows):
        return None
    top, below = rows[index], rows[index + 1]
    if any(_NUMBER.match(c) for c in below if c.strip()) or not header_columns(below):
        return None
    if not header_columns(top) or sum(1 for c in top if c.strip()) < 2:
        return None
    combined = [f"{a} {b}".strip() for a, b in zip_longest(top, below, fillvalue="")]
    columns = header_columns(combined)
    single = max(len(header_columns(top)), len(header_columns(below)))
    if "name" not in columns or len(columns) <= single:
        return None
    return HeaderMatch(index, columns, 2, _labels(combined, columns))


def find_header(rows: list[list[str]], start: int = 0) -> HeaderMatch | None:
    """Best header row in ``rows[start:start+40]``: needs a name column and one other field.

    A two-row header (group labels merged over the column labels below) wins when reading both
    rows together recognises more fields than either row alone.
    """
    best: HeaderMatch | None = None
    for index in range(start, min(len(rows), start + HEADER_SCAN_ROWS)):
        columns = header_columns(rows[index])
        candidates = [_two_row(rows, index)]
        if "name" in columns and len(columns) >= 2:
            candidates.append(HeaderMatch(index, columns, 1, _labels(rows[index], columns)))
        for candidate in candidates:
            if candidate is not None and (best is None or candidate.score > best.score):
                best = candidate
    return best


def is_header_like(row: list[str]) -> bool:
    """True when a row looks like a (repeated) header rather than data."""
    columns = header_columns(row)
    return "name" in columns and len(columns) >= 2
