"""File readers turning formula documents into plain string grids.

Every reader returns :class:`Table` objects: rows of stripped-right strings (leading spaces are kept
because indentation marks trade-name sub-rows) plus, for spreadsheets, the merged-cell map so a
value spread over several rows can be recognised as one shared value.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

from app.engines.formula.errors import ExtractionError
from app.engines.formula.ocr import OcrLimits, is_image

FileKind = Literal["xlsx", "xls", "csv", "docx", "pdf", "image"]
Cell = tuple[int, int]


@dataclass
class Table:
    """A grid of cell texts; ``merged`` maps a covered cell to the top-left cell of its range.

    OCR'd tables (``ocr``) carry each recognised cell's confidence in ``confidence`` and the
    1-based page they were read from in ``page``.
    """

    rows: list[list[str]]
    origin: str
    merged: dict[Cell, Cell] = field(default_factory=dict)
    from_text: bool = False
    # Text just above the table in the document (DOCX paragraph), e.g. "Table 2: composition".
    title: str = ""
    confidence: dict[Cell, float] = field(default_factory=dict)
    ocr: bool = False
    page: int | None = None


def detect_kind(data: bytes, filename: str = "", content_type: str = "") -> FileKind:
    """Decide the file kind from magic bytes first, then extension / content type."""
    name, ctype = filename.lower(), content_type.lower()
    if is_image(data):
        return "image"
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if data.startswith(b"PK"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = []
        if any(n.startswith("word/") for n in names):
            return "docx"
        return "xlsx"
    for ext, kind in ((".xlsx", "xlsx"), (".xlsm", "xlsx"), (".xls", "xls"), (".docx", "docx")):
        if name.endswith(ext):
            return kind  # type: ignore[return-value]
    if name.endswith(".pdf") or "pdf" in ctype:
        return "pdf"
    if "spreadsheetml" in ctype:
        return "xlsx"
    if "wordprocessingml" in ctype:
        return "docx"
    return "csv"


def read_tables(
    data: bytes, filename: str = "", content_type: str = "", ocr: OcrLimits | None = None
) -> list[Table]:
    """Read every table of the document; raises ExtractionError on unreadable or empty files.

    Images and the image-only pages of a PDF are OCR'd within ``ocr`` (default limits if None).
    """
    if not data or not data.strip():
        raise ExtractionError("the file is empty")
    kind = detect_kind(data, filename, content_type)
    limits = ocr if ocr is not None else OcrLimits()
    try:
        if kind == "image":
            tables = _image(data, limits)
        elif kind == "pdf":
            tables = _pdf(data, limits)
        else:
            tables = {"xlsx": _xlsx, "xls": _xls, "csv": _csv, "docx": _docx}[kind](data)
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(f"cannot read {kind.upper()} file: {type(exc).__name__}") from exc
    tables = [t for t in tables if any(any(c.strip() for c in row) for row in t.rows)]
    if not tables:
        raise ExtractionError(f"no table content found in the {kind.upper()} file")
    return tables


def _image(data: bytes, limits: OcrLimits) -> list[Table]:
    from app.engines.formula.ocr import open_image

    if not limits.enabled:
        raise ExtractionError(
            "images need OCR (disabled: OCR_ENABLED=false) or a vision-capable AI provider "
            "(set ANTHROPIC_API_KEY)"
        )
    return [_ocr_page(open_image(data, limits), 1, "image", limits)]


def _ocr_page(img: Any, page: int, origin: str, limits: OcrLimits) -> Table:
    from app.engines.formula.ocr import recognise
    from app.engines.formula.ocr_table import boxes_to_grid

    boxes = recognise(img, limits)
    if not boxes:
        where = "the image" if origin == "image" else f"scanned page {page}"
        raise ExtractionError(f"scan unreadable: no text recognised on {where}")
    grid, confidence = boxes_to_grid(boxes)
    return Table(grid, f"{origin} (OCR)", confidence=confidence, ocr=True, page=page)


def cell_text(value: Any, number_format: str = "") -> str:
    """Render a spreadsheet value as text; percent-formatted numbers become ``N%``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        if "%" in number_format:
            return f"{float(value) * 100:.10g}%"
        return f"{float(value):.10g}"
    return str(value).replace("\r\n", "\n").rstrip()


def _xlsx(data: bytes) -> list[Table]:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    tables: list[Table] = []
    for ws in wb.worksheets:
        rows: list[list[str]] = []
        for row in ws.iter_rows():
            out = []
            for c in row:
                text = cell_text(c.value, c.number_format or "")
                indent = getattr(c.alignment, "indent", 0) or 0
                # Excel indentation is a formatting attribute; keep it as leading spaces.
                out.append(("  " + text) if indent and text else text)
            rows.append(out)
        merged: dict[Cell, Cell] = {}
        for rng in ws.merged_cells.ranges:
            top = (rng.min_row - 1, rng.min_col - 1)
            for r in range(rng.min_row - 1, rng.max_row):
                for col in range(rng.min_col - 1, rng.max_col):
                    if (r, col) != top:
                        merged[(r, col)] = top
        tables.append(_fill_merged(Table(rows, f"sheet '{ws.title}'", merged)))
    return tables


def _xls(data: bytes) -> list[Table]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, formatting_info=True)
    tables: list[Table] = []
    for sheet in book.sheets():
        rows = [
            [cell_text(sheet.cell_value(r, c)) for c in range(sheet.ncols)]
            for r in range(sheet.nrows)
        ]
        merged: dict[Cell, Cell] = {}
        for r0, r1, c0, c1 in sheet.merged_cells:
            for r in range(r0, r1):
                for col in range(c0, c1):
                    if (r, col) != (r0, c0):
                        merged[(r, col)] = (r0, c0)
        tables.append(_fill_merged(Table(rows, f"sheet '{sheet.name}'", merged)))
    return tables


def _fill_merged(table: Table) -> Table:
    """Copy the top-left value into covered cells (the map still tells they are copies)."""
    for (r, c), (r0, c0) in table.merged.items():
        if r < len(table.rows) and r0 < len(table.rows) and c0 < len(table.rows[r0]):
            row = table.rows[r]
            row.extend([""] * (c + 1 - len(row)))
            row[c] = table.rows[r0][c0]
    return table


def decode_text(data: bytes) -> str:
    """Decode CSV/text bytes: UTF-8 (with or without BOM), then Big5/CP950."""
    for encoding in ("utf-8-sig", "cp950", "big5hkscs"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ExtractionError("text encoding not recognised (expected UTF-8 or Big5)")


def _csv(data: bytes) -> list[Table]:
    text = decode_text(data)
    if not text.strip():
        raise ExtractionError("the CSV file is empty")
    delimiter = sniff_delimiter(text)
    rows = [[c.rstrip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return [Table(rows, "csv")]


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter giving the most lines with the same (>0) field separator count."""
    # csv.Sniffer is thrown off by title lines and comma decimals ("5,5") in ';' files.
    lines = [ln for ln in text.splitlines()[:60] if ln.strip()]
    best, best_score = ",", 0
    for delim in (",", ";", "\t", "|"):
        counts = Counter(ln.count(delim) for ln in lines if ln.count(delim) > 0)
        if not counts:
            continue
        mode, freq = counts.most_common(1)[0]
        score = freq * 10 + mode  # consistency first, then width
        if score > best_score:
            best, best_score = delim, score
    return best


def _docx(data: bytes) -> list[Table]:
    import docx

    document = docx.Document(io.BytesIO(data))
    tables = []
    titles = _docx_titles(document)
    for i, tbl in enumerate(document.tables, start=1):
        rows = [[cell.text.rstrip() for cell in row.cells] for row in tbl.rows]
        tables.append(Table(rows, f"table {i}", title=titles[i - 1] if i <= len(titles) else ""))
    if not tables:
        lines = [p.text for p in document.paragraphs]
        tables.append(Table(split_text_lines(lines), "paragraphs", from_text=True))
    return tables


def _docx_titles(document: Any) -> list[str]:
    """For each body table in order, the last non-empty paragraph before it ("" if none)."""
    titles: list[str] = []
    last = ""
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")).strip()
            if text:
                last = text
        elif tag == "tbl":
            titles.append(last)
            last = ""
    return titles


def split_text_lines(lines: list[str]) -> list[list[str]]:
    """Split free-text lines into cells on tabs or runs of 2+ spaces."""
    rows = []
    for line in lines:
        if line.strip():
            rows.append([c.strip() for c in re.split(r"\t+|\s{2,}", line.strip())])
    return rows


def _pdf(data: bytes, limits: OcrLimits) -> list[Table]:
    import pdfplumber

    from app.engines.formula.ocr import pdf_text_pages

    scanned = [i for i, text in enumerate(pdf_text_pages(data), start=1) if not text]
    if scanned:
        return _scanned_pdf(data, scanned, limits)
    tables: list[Table] = []
    text_rows: list[list[str]] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page_no, page in enumerate(pdf.pages, start=1):
            for t_no, raw in enumerate(page.extract_tables(), start=1):
                rows = [[(c or "").rstrip() for c in row] for row in raw]
                tables.append(Table(rows, f"page {page_no} table {t_no}"))
            text_rows.extend(_pdf_text_rows(page.extract_words()))
    if not tables:
        tables.append(Table(text_rows, "pdf text", from_text=True))
    return tables


def _scanned_pdf(data: bytes, scanned: list[int], limits: OcrLimits) -> list[Table]:
    """A PDF with image-only pages: every page is rasterised and OCR'd (within the caps)."""
    from app.engines.formula.ocr import pdf_text_pages, rasterise_pages

    pages = list(range(1, len(pdf_text_pages(data)) + 1))
    if not limits.enabled:
        raise ExtractionError(
            f"scanned PDF (no text layer on page(s) {_page_list(scanned)}): OCR is disabled "
            "(OCR_ENABLED=false); set ANTHROPIC_API_KEY or upload a PDF with a text table"
        )
    if len(pages) > limits.max_pages:
        raise ExtractionError(
            f"scanned PDF has {len(pages)} pages; the OCR page cap is {limits.max_pages} "
            "(OCR_MAX_PAGES): split the file or upload the formula pages only"
        )
    images = rasterise_pages(data, pages, limits)
    return [_ocr_page(img, n, f"page {n}", limits) for n, img in zip(pages, images, strict=True)]


def _page_list(pages: list[int]) -> str:
    return ", ".join(str(p) for p in pages[:10]) + (" ..." if len(pages) > 10 else "")


# Two words on one line belong to different cells when the gap between them exceeds this many
# times the line height (a normal word space is ~0.28 x the font size), with a floor in points.
_GAP_FACTOR = 0.45
_GAP_FLOOR_PT = 4.0


def _pdf_text_rows(words: list[dict[str, Any]]) -> list[list[str]]:
    """Rebuild a grid from word boxes: cells split on wide gaps, aligned to the widest row."""
    lines: list[list[dict[str, Any]]] = []
    for word in sorted(words, key=lambda w: (round(float(w["top"])), float(w["x0"]))):
        if lines and abs(float(lines[-1][0]["top"]) - float(word["top"])) <= 3.0:
            lines[-1].append(word)
        else:
            lines.append([word])
    rows: list[list[tuple[float, str]]] = []
    for line in lines:
        line.sort(key=lambda w: float(w["x0"]))
        cells = [(float(line[0]["x0"]), str(line[0]["text"]))]
        for prev, word in pairwise(line):
            height = float(word["bottom"]) - float(word["top"])
            if float(word["x0"]) - float(prev["x1"]) > max(_GAP_FLOOR_PT, _GAP_FACTOR * height):
                cells.append((float(word["x0"]), str(word["text"])))
            else:
                cells[-1] = (cells[-1][0], f"{cells[-1][1]} {word['text']}")
        rows.append(cells)
    return _align(rows)


def _align(rows: list[list[tuple[float, str]]]) -> list[list[str]]:
    """Put each cell in the column whose anchor (the widest row's cell starts) is nearest."""
    if not rows:
        return []
    # Empty cells leave no words, so without anchors the values would shift left.
    anchors = [x for x, _ in max(rows, key=len)]
    grid: list[list[str]] = []
    for row in rows:
        if len(row) == len(anchors):
            grid.append([text for _, text in row])  # complete row: position is enough
            continue
        out = [""] * len(anchors)
        last = -1
        for x, text in row:
            col = min(range(len(anchors)), key=lambda i: abs(anchors[i] - x))
            # Keep cell order: never place a cell left of (or onto) the previous one.
            col = min(max(col, last + 1), len(anchors) - 1)
            out[col] = f"{out[col]} {text}".strip()
            last = col
        grid.append(out)
    return grid
