"""Builders for in-memory formula documents used by the formula-engine tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

Row = Sequence[object]


def xlsx_bytes(
    rows: Sequence[Row],
    merges: Sequence[str] = (),
    indent_rows: Sequence[int] = (),
    percent_cells: Sequence[str] = (),
) -> bytes:
    """XLSX with ``rows`` from A1; ``merges`` like "E10:E12"; ``indent_rows`` 1-based, column B."""
    import openpyxl
    from openpyxl.styles import Alignment

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Formula"
    for row in rows:
        ws.append(list(row))
    for r in indent_rows:
        ws.cell(row=r, column=2).alignment = Alignment(indent=2)
    for ref in percent_cells:
        ws[ref].number_format = "0.00%"
    for rng in merges:
        ws.merge_cells(rng)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(rows: Sequence[Row], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """CSV text encoded as requested."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return buf.getvalue().encode(encoding)


def docx_bytes(rows: Sequence[Row], title: str = "Formula") -> bytes:
    """DOCX with a title paragraph and one table."""
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    width = max(len(r) for r in rows)
    table = document.add_table(rows=0, cols=width)
    for row in rows:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = "" if value is None else str(value)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def pdf_bytes(rows: Sequence[Row] = (), lines: Sequence[str] = (), title: str = "Formula") -> bytes:
    """PDF with a ruled table (``rows``) or plain text ``lines`` (core Helvetica font only)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=9)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    if rows:
        width = max(len(r) for r in rows)
        col_w = (pdf.w - 2 * pdf.l_margin) / width
        for row in rows:
            for i in range(width):
                value = row[i] if i < len(row) else ""
                pdf.cell(col_w, 7, "" if value is None else str(value), border=1)
            pdf.ln(7)
    for line in lines:
        pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
