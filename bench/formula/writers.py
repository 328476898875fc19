"""Write a grid of cells as XLSX, CSV, DOCX or PDF bytes (benchmark corpus)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

Grid = Sequence[Sequence[object]]


def to_xlsx(rows: Grid, indent_rows: Sequence[int] = ()) -> bytes:
    """XLSX; ``indent_rows`` are 0-based rows whose name cell (column B) is indented."""
    import openpyxl
    from openpyxl.styles import Alignment

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(list(row))
    for r in indent_rows:
        ws.cell(row=r + 1, column=2).alignment = Alignment(indent=2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_csv(rows: Grid, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """CSV text in the given encoding."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    return buf.getvalue().encode(encoding)


def to_docx(rows: Grid) -> bytes:
    """DOCX: rows of one cell before the table become paragraphs (title block)."""
    import docx

    document = docx.Document()
    body = list(rows)
    while body and len(body[0]) <= 1:
        document.add_paragraph(str(body[0][0]) if body[0] else "")
        body.pop(0)
    width = max(len(r) for r in body)
    table = document.add_table(rows=0, cols=width)
    for row in body:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = "" if value is None else str(value)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def to_pdf(rows: Grid, ruled: bool = True) -> bytes:
    """PDF with core Helvetica; ruled=True draws a bordered table, else plain spaced text."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=7)
    body = list(rows)
    while body and len(body[0]) <= 1:
        pdf.cell(0, 7, str(body[0][0]) if body[0] else "", new_x="LMARGIN", new_y="NEXT")
        body.pop(0)
    width = max(len(r) for r in body)
    widths = [8.0] + [(pdf.w - 2 * pdf.l_margin - 8.0) / (width - 1)] * (width - 1)
    widths[1] *= 2.4  # name column is the widest
    scale = (pdf.w - 2 * pdf.l_margin) / sum(widths)
    widths = [w * scale for w in widths]
    for row in body:
        for i in range(width):
            value = row[i] if i < len(row) else ""
            pdf.cell(widths[i], 6, "" if value is None else str(value), border=1 if ruled else 0)
        pdf.ln(6)
    return bytes(pdf.output())
