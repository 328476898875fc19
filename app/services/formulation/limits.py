"""Size caps for formula spreadsheets (Item 3), checked before anything parses the whole file.

A formula has at most ITEM3_MAX_LINES ingredient lines (the Item 3 schema); the sheet may add
headers, notes, blank lines and mixture sub-rows, hence the row cap's slack. The check streams
rows and stops at the first cap it passes, so a 100k-row file costs a few milliseconds and
bounded memory, not a full parse. Pure: bytes in, a 422 (`table_too_large`) or nothing out.
"""

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from app.core.errors import Unprocessable
from app.schemas.pif_items import Item3

ITEM3_MAX_LINES: int = Item3.model_fields["ingredients"].metadata[0].max_length
MAX_ROWS = 2_500
MAX_COLUMNS = 64
MAX_CELLS = 100_000
MAX_CELL_CHARS = 5_000
_SAMPLE = 65_536


@dataclass(frozen=True)
class TableCaps:
    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS
    cells: int = MAX_CELLS
    cell_chars: int = MAX_CELL_CHARS


class TableTooLarge(Unprocessable):
    code = "table_too_large"


def too_many_lines(count: int) -> str:
    """Why an extraction of `count` lines is refused (after the parse: the draft stays bounded)."""
    return f"The file yields {count:,} ingredient lines; Item 3 accepts at most {ITEM3_MAX_LINES:,}"


def _refuse(what: str, limit: int, sheet: str | None = None) -> TableTooLarge:
    where = f" (sheet {sheet!r})" if sheet else ""
    return TableTooLarge(
        f"The formula table has more than {limit:,} {what}{where}; Item 3 accepts at most "
        f"{ITEM3_MAX_LINES:,} ingredient lines: split the file or remove other content",
        details={"limit": what, "allowed": limit, **({"sheet": sheet} if sheet else {})},
    )


class _Counter:
    def __init__(self, caps: TableCaps, sheet: str | None = None) -> None:
        self.caps, self.sheet, self.rows, self.cells = caps, sheet, 0, 0

    def row(self, values: list[Any] | tuple[Any, ...]) -> None:
        width = len(values)
        while width and (values[width - 1] is None or values[width - 1] == ""):
            width -= 1  # trailing empty cells are not columns
        if width == 0:
            return  # blank rows cost nothing and are not counted
        self.rows += 1
        self.cells += width
        if self.rows > self.caps.rows:
            raise _refuse("rows", self.caps.rows, self.sheet)
        if width > self.caps.columns:
            raise _refuse("columns", self.caps.columns, self.sheet)
        if self.cells > self.caps.cells:
            raise _refuse("cells", self.caps.cells, self.sheet)
        for value in values[:width]:
            if isinstance(value, str) and len(value) > self.caps.cell_chars:
                raise _refuse("characters in a cell", self.caps.cell_chars, self.sheet)


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "cp950", "big5hkscs"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None  # the parser reports the encoding; the caps have nothing to count


def _check_csv(data: bytes, caps: TableCaps) -> None:
    text = _decode(data)
    if text is None:
        return
    try:
        delimiter = csv.Sniffer().sniff(text[:_SAMPLE], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    counter = _Counter(caps)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        for row in reader:
            counter.row(row)
    except csv.Error as exc:  # e.g. a field over csv's own size limit
        raise _refuse("characters in a cell", caps.cell_chars) from exc


def _check_xlsx(data: bytes, caps: TableCaps) -> None:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return  # not readable: the parser's error names it
    try:
        for sheet in book.worksheets:
            counter = _Counter(caps, sheet.title)
            # the stored dimension may claim a whole column range: count real cells only
            sheet.reset_dimensions()
            for row in sheet.iter_rows(values_only=True):
                counter.row(row)
    finally:
        book.close()


def _check_xls(data: bytes, caps: TableCaps) -> None:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except xlrd.XLRDError:
        return
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            counter = _Counter(caps, sheet.name)
            for r in range(sheet.nrows):
                counter.row(sheet.row_values(r))
    finally:
        book.release_resources()


_CONTENT_TYPES = {
    "text/csv": "csv",
    "text/plain": "csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.ms-excel": "xls",
}


def check_formula_table(data: bytes, kind: str, caps: TableCaps | None = None) -> None:
    """Raise TableTooLarge (422) if a CSV/XLSX/XLS formula file passes a cap; other kinds pass.

    `kind`: the sniffed extension (`csv`, `xlsx`, `xls`) or the stored content type."""
    checks = {"csv": _check_csv, "txt": _check_csv, "xlsx": _check_xlsx, "xls": _check_xls}
    kind = kind.split(";", 1)[0].strip().lower()
    check = checks.get(_CONTENT_TYPES.get(kind, kind))
    if check is not None:
        check(data, caps or TableCaps())
