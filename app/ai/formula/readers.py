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
from dataclasses import dataclass, field
from typing import Any, Literal

from app.ai.formula.errors import ExtractionError

FileKind = Literal["xlsx", "xls", "csv", "docx", "pdf"]
Cell = tuple[int, int]


@dataclass
class Table:
    """A grid of cell texts; ``merged`` maps a covered cell to the top-left cell of its range."""

    rows: list[list[str]]
    origin: str
    merged: dict[Cell, Cell] = field(default_factory=dict)
    from_text: bool = False


def detect_kind(data: bytes, filename: str = "", content_type: str = "") -> FileKind:
    """Decide the file kind from magic bytes first, then extension / content type."""
    name, ctype = filename.lower(), content_type.lower()
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


def read_tables(data: bytes, filename: str = "", content_type: str = "") -> list[Table]:
    """Read every table of the document; raises ExtractionError on unreadable or empty files."""
    if not data or not data.strip():
        raise ExtractionError("the file is empty")
    kind = detect_kind(data, filename, content_type)
    reader = {"xlsx": _xlsx, "xls": _xls, "csv": _csv, "docx": _docx, "pdf": _pdf}[kind]
    try:
        tables = reader(data)
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractionError(f"cannot read {kind.upper()} file: {type(exc).__name__}") from exc
    tables = [t for t in tables if any(any(c.strip() for c in row) for row in t.rows)]
    if not tables:
        raise ExtractionError(f"no table content found in the {kind.upper()} file")
    return tables


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
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel_tab if sample.count("\t") > sample.count(",") else csv.excel
    rows = [[c.rstrip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    return [Table(rows, "csv")]


def _docx(data: bytes) -> list[Table]:
    import docx

    document = docx.Document(io.BytesIO(data))
    tables = []
    for i, tbl in enumerate(document.tables, start=1):
        rows = [[cell.text.rstrip() for cell in row.cells] for row in tbl.rows]
        tables.append(Table(rows, f"table {i}"))
    if not tables:
        lines = [p.text for p in document.paragraphs]
        tables.append(Table(split_text_lines(lines), "paragraphs", from_text=True))
    return tables


def split_text_lines(lines: list[str]) -> list[list[str]]:
    """Split free-text lines into cells on tabs or runs of 2+ spaces."""
    rows = []
    for line in lines:
        if line.strip():
            rows.append([c.strip() for c in re.split(r"\t+|\s{2,}", line.strip())])
    return rows


def _pdf(data: bytes) -> list[Table]:
    import pdfplumber

    tables: list[Table] = []
    text_lines: list[str] = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page_no, page in enumerate(pdf.pages, start=1):
            for t_no, raw in enumerate(page.extract_tables(), start=1):
                rows = [[(c or "").rstrip() for c in row] for row in raw]
                tables.append(Table(rows, f"page {page_no} table {t_no}"))
            text_lines.extend((page.extract_text(layout=True) or "").splitlines())
    if not tables:
        tables.append(Table(split_text_lines(text_lines), "pdf text", from_text=True))
    return tables
