"""Rebuild a table from OCR text boxes: deskew, rows by y-clustering, columns by x-alignment.

1. Deskew: the median slope of the wide boxes' top edges is rotated out (scans and photos are
   rarely square to the page).
2. Rows: boxes sorted by their vertical centre join the current row while the centre stays
   within half a median line height of the row's mean centre.
3. Keystone: a photo taken at a slant makes the table narrower at one end. The left and right
   edges of the full rows are fitted as lines over y and every row is stretched to the same
   width, so columns line up again.
4. Header: the row the formula header classifier scores best (a name column plus one other).
5. Columns: below the header, every box covers its x-interval; runs of x covered by (almost)
   no box are the gaps between columns, so ruled and unruled tables read alike (the header row
   is left out: the detector often merges neighbouring header cells into one box). A box goes
   to the column it overlaps most; a box spanning several columns ("序號 成分名稱") is split at
   its spaces, each word placed by its estimated position (CJK characters count double width);
   boxes sharing a cell are joined left to right.
6. Confidence: a cell's confidence is the lowest recognition score of its boxes.
7. Known misreads are undone where no other reading is possible: "9.s." is "q.s." (a digit
   followed by "s." is never a concentration), "通量"/"道量" is "適量", words run together in
   Title Case are split ("INCIName", "CetearylAlcohol"); the cell keeps its recognition score.
"""

from __future__ import annotations

import math
import re
from statistics import median

from app.engines.formula.header import header_columns
from app.engines.formula.ocr import OcrBox

Cell = tuple[int, int]
_QS_MISREAD = re.compile(r"[q9g][\s.,·]*s[\s.,·]*", re.IGNORECASE)
# 適量 (q.s.) as the recogniser reads it off blurred photos: the 辶 radical with a wrong inside.
_QS_ZH_MISREADS = frozenset({"通量", "道量", "遍量", "適童", "适量"})
_RUN_TOGETHER = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])|(?<=[A-Z]{2})(?=[A-Z][a-z]{2})")

# Share of the table's rows allowed to bridge a column gap (a stray wide box, a footnote).
_GAP_TOLERANCE = 0.08


def _deskew(boxes: list[OcrBox]) -> list[OcrBox]:
    angles = []
    for b in boxes:
        (x0, y0), (x1, y1) = b.points[0], b.points[1]
        if (b.x1 - b.x0) > 3 * (b.y1 - b.y0) and x1 > x0:
            angles.append(math.atan2(y1 - y0, x1 - x0))
    if not angles:
        return boxes
    angle = median(angles)
    if abs(angle) < 1e-3:
        return boxes
    cos, sin = math.cos(-angle), math.sin(-angle)
    return [
        OcrBox(b.text, b.score, tuple((x * cos - y * sin, x * sin + y * cos) for x, y in b.points))
        for b in boxes
    ]


def _rows(boxes: list[OcrBox]) -> list[list[OcrBox]]:
    height = median(b.y1 - b.y0 for b in boxes)
    rows: list[list[OcrBox]] = []
    centres: list[float] = []
    for b in sorted(boxes, key=lambda b: (b.y0 + b.y1) / 2):
        centre = (b.y0 + b.y1) / 2
        if rows and abs(centre - centres[-1]) <= 0.5 * height:
            rows[-1].append(b)
            centres[-1] = sum((x.y0 + x.y1) / 2 for x in rows[-1]) / len(rows[-1])
        else:
            rows.append([b])
            centres.append(centre)
    for row in rows:
        row.sort(key=lambda b: b.x0)
    return rows


def _header_index(rows: list[list[OcrBox]]) -> int | None:
    best, best_score = None, 1
    for i, row in enumerate(rows):
        columns = header_columns([_tidy(b.text) for b in row])
        if "name" in columns and len(columns) > best_score:
            best, best_score = i, len(columns)
    return best


def _columns(rows: list[list[OcrBox]]) -> list[tuple[float, float]]:
    """Column x-intervals: runs covered by more boxes than the gap tolerance allows."""
    boxes = [b for row in rows for b in row]
    left = math.floor(min(b.x0 for b in boxes))
    right = math.ceil(max(b.x1 for b in boxes))
    cover = [0] * (right - left + 2)
    for b in boxes:
        for x in range(math.floor(b.x0) - left, math.ceil(b.x1) - left + 1):
            cover[x] += 1
    tolerance = int(_GAP_TOLERANCE * len(rows))
    spans: list[tuple[float, float]] = []
    start: int | None = None
    for x, count in enumerate(cover):
        if count > tolerance and start is None:
            start = x
        elif count <= tolerance and start is not None:
            spans.append((start + left, x - 1 + left))
            start = None
    return spans


def _split(b: OcrBox, spans: list[tuple[float, float]]) -> list[OcrBox]:
    """Split a box whose words fall into different columns into one box per column."""
    words = b.text.split()
    if len(words) < 2 or len(spans) < 2:
        return [b]

    def weight(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    unit = (b.x1 - b.x0) / max(1, weight(" ".join(words)))
    x = b.x0
    groups: dict[int, list[tuple[str, float, float]]] = {}
    for word in words:
        w = weight(word) * unit
        piece = OcrBox(word, b.score, ((x, b.y0), (x + w, b.y0), (x + w, b.y1), (x, b.y1)))
        groups.setdefault(_column_of(piece, spans), []).append((word, x, x + w))
        x += w + unit
    if len(groups) == 1:
        return [b]
    out = []
    for parts in groups.values():
        x0, x1 = parts[0][1], parts[-1][2]
        text = " ".join(p[0] for p in parts)
        out.append(OcrBox(text, b.score, ((x0, b.y0), (x1, b.y0), (x1, b.y1), (x0, b.y1))))
    return out


def _column_of(b: OcrBox, spans: list[tuple[float, float]]) -> int:
    def overlap(span: tuple[float, float]) -> float:
        return min(b.x1, span[1]) - max(b.x0, span[0])

    return max(range(len(spans)), key=lambda i: overlap(spans[i]))


def _tidy(text: str) -> str:
    if _QS_MISREAD.fullmatch(text):
        return "q.s."
    if text in _QS_ZH_MISREADS:
        return "適量"
    return _RUN_TOGETHER.sub(" ", text)


def _fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares line x = a + b*y."""
    n = len(points)
    my = sum(y for y, _ in points) / n
    mx = sum(x for _, x in points) / n
    var = sum((y - my) ** 2 for y, _ in points)
    b = sum((y - my) * (x - mx) for y, x in points) / var if var else 0.0
    return mx - b * my, b


def _unkeystone(rows: list[list[OcrBox]]) -> list[list[OcrBox]]:
    """Stretch every row between the fitted left and right table edges to one common width."""
    counts = sorted(len(r) for r in rows)
    full = [r for r in rows if len(r) >= max(2, counts[len(counts) // 2])]
    if len(full) < 3:
        return rows
    centre = [(sum(b.y0 + b.y1 for b in r) / (2 * len(r))) for r in full]
    left = _fit([(y, min(b.x0 for b in r)) for y, r in zip(centre, full, strict=True)])
    right = _fit([(y, max(b.x1 for b in r)) for y, r in zip(centre, full, strict=True)])
    width = median(max(b.x1 for b in r) - min(b.x0 for b in r) for r in full)
    out = []
    for row in rows:
        y = sum(b.y0 + b.y1 for b in row) / (2 * len(row))
        lo, hi = left[0] + left[1] * y, right[0] + right[1] * y
        if hi - lo < 0.5 * width:
            out.append(row)
            continue
        k = width / (hi - lo)
        out.append(
            [OcrBox(b.text, b.score, tuple(((x - lo) * k, py) for x, py in b.points)) for b in row]
        )
    return out


def boxes_to_grid(boxes: list[OcrBox]) -> tuple[list[list[str]], dict[Cell, float]]:
    """Cell texts and per-cell confidence from one page's recognised boxes."""
    if not boxes:
        return [], {}
    rows = _rows(_deskew(boxes))
    header = _header_index(rows)
    start = header or 0
    rows = rows[:start] + _unkeystone(rows[start:])
    body = rows[start + 1 :] if header is not None and len(rows) - start > 3 else rows[start:]
    spans = _columns(body) or [(min(b.x0 for b in boxes), max(b.x1 for b in boxes))]
    grid: list[list[str]] = []
    confidence: dict[Cell, float] = {}
    for r, row in enumerate(rows):
        cells: list[list[OcrBox]] = [[] for _ in spans]
        for b in (piece for box in row for piece in _split(box, spans)):
            cells[_column_of(b, spans)].append(b)
        grid.append([_tidy(" ".join(b.text for b in cell)) for cell in cells])
        for c, cell in enumerate(cells):
            if cell:
                confidence[(r, c)] = round(min(b.score for b in cell), 4)
    return grid, confidence
