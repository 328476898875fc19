"""Formula spreadsheets past the row/column/cell caps are refused before any full parse."""

import io
import time

import openpyxl
import pytest

from app.services.formulation import TableTooLarge, check_formula_table
from app.services.formulation.limits import ITEM3_MAX_LINES, MAX_ROWS, TableCaps

HEADER = "INCI,CAS,%\n"


def _csv(rows: int, *, cells: int = 3, cell: str = "Glycerin") -> bytes:
    line = ",".join([cell] * cells)
    return (HEADER + "\n".join(line for _ in range(rows))).encode()


def _xlsx(rows: int, columns: int = 3) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["INCI", "CAS", "%"])
    for i in range(rows):
        sheet.append([f"Ingredient {i}"] * columns)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _refusal(data: bytes, kind: str, caps: TableCaps | None = None) -> TableTooLarge:
    with pytest.raises(TableTooLarge) as caught:
        check_formula_table(data, kind, caps)
    assert caught.value.status_code == 422 and caught.value.code == "table_too_large"
    return caught.value


def test_a_100k_row_csv_is_refused_quickly_on_rows() -> None:
    started = time.perf_counter()
    refused = _refusal(_csv(100_000), "csv")
    assert time.perf_counter() - started < 1.0  # stops at the cap, no full parse
    assert refused.details == {"limit": "rows", "allowed": MAX_ROWS}
    assert f"{ITEM3_MAX_LINES:,}" in refused.message


def test_columns_cells_and_long_cells_are_capped() -> None:
    assert _refusal(_csv(2, cells=65), "csv").details["limit"] == "columns"
    assert _refusal(_csv(10, cell="x" * 6000), "text/csv").details["limit"] == (
        "characters in a cell"
    )
    assert _refusal(_csv(50, cells=10), "csv", TableCaps(cells=100)).details["limit"] == "cells"


def test_an_ordinary_formula_and_blank_rows_pass() -> None:
    check_formula_table(_csv(40), "csv")
    check_formula_table((HEADER + "\n" * 50_000 + "Water,7732-18-5,qs").encode(), "csv")
    check_formula_table(_csv(MAX_ROWS - 1), "csv")  # the header row makes MAX_ROWS
    check_formula_table(b"%PDF-1.7 not a table", "pdf")  # other kinds are not tables


def test_xlsx_rows_and_columns_are_capped_per_sheet() -> None:
    check_formula_table(_xlsx(40), "xlsx")
    refused = _refusal(
        _xlsx(200),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        TableCaps(rows=100),
    )
    assert refused.details == {"limit": "rows", "allowed": 100, "sheet": "Sheet"}
    assert _refusal(_xlsx(3, columns=70), "xlsx").details["limit"] == "columns"
