"""TW template importer and list diff tests."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from app.engines.regulatory import (
    RegulatedEntry,
    TemplateError,
    diff_entries,
    parse_tw_file,
    parse_tw_rows,
)
from app.engines.regulatory.tw_list import COLUMNS, parse_tw_csv_text

HEADER = (
    "list_type,ref_no,chemical_name,inci_name,cas_numbers,product_type_text,max_text,"
    "max_concentration_pct,warnings_text,regulation,updated_on\n"
)
CSV = (
    HEADER
    + """restricted,R-12,Salicylic acid,SALICYLIC ACID,69-72-7,"(a) Rinse-off hair products
(b) Other products","(a) 3,0 %
(b) 2,0 %",,Not for children under 3,TFDA 2024 announcement,2024-05-01
preservative,P-1,Phenoxyethanol,PHENOXYETHANOL,122-99-6,,,"1,0",,TFDA 2024 announcement,01/05/2024
prohibited,X-1,Methoxyethanol and its salts,,109-86-4 / 111-15-9,,,,,TFDA 2024 announcement,
"""
)


def test_csv_template() -> None:
    restricted, preservative, prohibited = parse_tw_csv_text(CSV)
    assert restricted.jurisdiction == "TW" and restricted.list_type == "restricted"
    assert {lim.category_label: lim.max_pct for lim in restricted.limits} == {
        "(a)": 3.0,
        "(b)": 2.0,
    }
    assert preservative.max_concentration_pct == 1.0
    assert preservative.updated_on is not None and preservative.updated_on.year == 2024
    assert prohibited.cas_numbers == ("109-86-4", "111-15-9") and prohibited.is_group
    assert prohibited.citation == "TW TFDA prohibited list/X-1, TFDA 2024 announcement"


def test_xlsx_template(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    row = dict.fromkeys(COLUMNS, None) | {
        "list_type": "uv_filter", "ref_no": "U-3", "inci_name": "BENZOPHENONE-3",
        "cas_numbers": "131-57-7", "max_concentration_pct": 6, "regulation": "TFDA",
    }  # fmt: skip
    sheet.append([row[c] for c in COLUMNS])
    path = tmp_path / "tw.xlsx"
    book.save(path)
    (entry,) = parse_tw_file(path)
    assert entry.list_type == "uv_filter" and entry.max_concentration_pct == 6.0


def test_template_errors_have_row_numbers() -> None:
    header = [
        "list_type",
        "ref_no",
        "inci_name",
        "cas_numbers",
        "max_concentration_pct",
        "regulation",
    ]
    rows = [
        header,
        ["restricted", "A", "X", "50-00-0", "1", "TFDA"],
        ["banned", "B", "Y", "", "", "TFDA"],
        ["restricted", "C", "Z", "50-00-1", "", "TFDA"],
        ["restricted", "D", "W", "", "abc", "TFDA"],
        ["restricted", "A", "X2", "", "", "TFDA"],
    ]
    with pytest.raises(TemplateError) as info:
        parse_tw_rows(rows)
    assert [row for row, _ in info.value.errors] == [3, 4, 5, 6]
    assert "row 4: invalid CAS" in str(info.value)
    with pytest.raises(TemplateError, match="missing required"):
        parse_tw_rows([["ref_no"]])
    with pytest.raises(TemplateError, match="empty"):
        parse_tw_rows([])


def test_diff_entries() -> None:
    old = parse_tw_csv_text(CSV)
    assert diff_entries(old, parse_tw_csv_text(CSV)).is_empty
    changed = replace(old[1], max_concentration_pct=0.5)
    new = [
        old[0],
        changed,
        *parse_tw_rows(
            [
                ["list_type", "ref_no", "inci_name", "regulation"],
                ["colorant", "C-9", "CI 1", "TFDA"],
            ]
        ),
    ]
    diff = diff_entries(old, new)
    assert [e.ref_no for e in diff.added] == ["C-9"]
    assert [(a.ref_no, b.max_concentration_pct) for a, b in diff.changed] == [("P-1", 0.5)]
    assert [e.ref_no for e in diff.removed] == ["X-1"]


def test_diff_real_annex_identical(annexes: dict[str, list[RegulatedEntry]]) -> None:
    entries = annexes["III"]
    assert diff_entries(entries, list(entries)).is_empty
    dropped = diff_entries(entries, entries[1:])
    assert len(dropped.removed) == 1 and not dropped.added and not dropped.changed
