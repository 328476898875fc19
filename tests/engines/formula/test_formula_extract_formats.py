from __future__ import annotations

import io
import zipfile

import pytest

from app.engines.formula import ExtractionError, extract_formula
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.models import ExtractedIngredient
from app.engines.formula.readers import detect_kind
from tests.engines.formula.formula_sheets import csv_bytes, docx_bytes, pdf_bytes, xlsx_bytes

EN_ROWS: list[list[object]] = [
    ["Ingredient", "CAS No.", "Concentration (% w/w)", "Function"],
    ["Water", "7732-18-5", "q.s.", "Solvent"],
    ["Glycerin", "56-81-5", "5.0", "Humectant"],
    ["Phenoxyethanol", "122-99-6", "0.8", "Preservative"],
]


def _values(result_ingredients: list[ExtractedIngredient]) -> dict[str | None, float | None]:
    return {i.inci_name: i.concentration_pct for i in result_ingredients}


def test_csv_semicolon_comma_decimal_bom(starter: IngredientDictionary) -> None:
    rows = [["Formula ABC"], ["INCI", "CAS", "%"], ["Aqua", "", "ad 100"], ["Glycerine", "", "5,5"]]
    data = b"\xef\xbb\xbf" + csv_bytes(rows, delimiter=";")
    result = extract_formula(data, "f.csv", starter)
    assert _values(result.ingredients) == {"WATER": 94.5, "GLYCERIN": 5.5}


def test_csv_big5_chinese_header(starter: IngredientDictionary) -> None:
    rows = [
        ["成分", "含量", "功能"],
        ["水", "適量", "溶劑"],
        ["甘油", "3", "保濕"],
        ["丁二醇", "2", ""],
    ]
    result = extract_formula(csv_bytes(rows, encoding="big5"), "f.csv", starter)
    assert _values(result.ingredients) == {"WATER": 95.0, "GLYCERIN": 3.0, "BUTYLENE GLYCOL": 2.0}
    assert result.ingredients[0].zh_name == "水"


def test_docx_table(starter: IngredientDictionary) -> None:
    result = extract_formula(docx_bytes(EN_ROWS), "f.docx", starter)
    assert _values(result.ingredients) == {"WATER": 94.2, "GLYCERIN": 5.0, "PHENOXYETHANOL": 0.8}


def test_pdf_table(starter: IngredientDictionary) -> None:
    result = extract_formula(pdf_bytes(EN_ROWS), "f.pdf", starter)
    assert _values(result.ingredients) == {"WATER": 94.2, "GLYCERIN": 5.0, "PHENOXYETHANOL": 0.8}


def test_pdf_text_lines_fallback(starter: IngredientDictionary) -> None:
    lines = [
        "INCI Name      CAS No.       %",
        "Water      7732-18-5     q.s.",
        "Glycerin    56-81-5    4",
    ]
    result = extract_formula(pdf_bytes(lines=lines), "f.pdf", starter)
    assert _values(result.ingredients) == {"WATER": 96.0, "GLYCERIN": 4.0}
    # values read from free text are less certain than from a real table
    assert result.ingredients[1].confidence.concentration_pct < 0.98


def test_merged_trade_name_with_share_column(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["Trade name", "INCI name", "% in raw material", "% in formula"],
        ["Water", "Water", 100, "q.s."],
        ["HydraMix", "Butylene Glycol", 70, 2.0],
        [None, "Glycerin", 30, None],
        ["Preserv-X", "Phenoxyethanol", 90, 1.0],
        [None, "Ethylhexylglycerin", 10, None],
    ]
    data = xlsx_bytes(rows, merges=["A3:A4", "D3:D4", "A5:A6", "D5:D6"])
    result = extract_formula(data, "f.xlsx", starter)
    values = _values(result.ingredients)
    assert values["BUTYLENE GLYCOL"] == pytest.approx(1.4)
    assert values["GLYCERIN"] == pytest.approx(0.6)
    assert values["PHENOXYETHANOL"] == pytest.approx(0.9)
    assert values["ETHYLHEXYLGLYCERIN"] == pytest.approx(0.1)
    assert values["WATER"] == pytest.approx(97.0)


def test_single_cell_mixture_unknown_share(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["INCI", "%"],
        ["Water", 95],
        ["Xanthan Gum (and) Sodium Hyaluronate", 5],
    ]
    result = extract_formula(xlsx_bytes(rows), "f.xlsx", starter)
    parts = [i for i in result.ingredients if "mixture_part" in i.flags]
    assert [p.inci_name for p in parts] == ["XANTHAN GUM", "SODIUM HYALURONATE"]
    assert all(p.concentration_pct is None for p in parts)
    assert result.total_pct == 100.0


def test_percent_formatted_cells(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [["INCI", "%"], ["Water", 0.95], ["Glycerin", 0.05]]
    result = extract_formula(xlsx_bytes(rows, percent_cells=["B2", "B3"]), "f.xlsx", starter)
    assert _values(result.ingredients) == {"WATER": 95.0, "GLYCERIN": 5.0}


def test_range_duplicates_and_order(starter: IngredientDictionary) -> None:
    rows = [
        ["INCI", "%"],
        ["Glycerin", "1-3%"],
        ["Water", "90"],
        ["Glycerin", "<1"],
        ["Niacinamide", "4"],
    ]
    result = extract_formula(xlsx_bytes(rows), "f.xlsx", starter)
    codes = {w.code for w in result.warnings}
    assert {"duplicates", "not_descending"} <= codes
    first = result.ingredients[1]
    assert first.inci_name == "NIACINAMIDE" or "range" in first.flags
    assert any("range" in i.flags and i.concentration_pct == 3.0 for i in result.ingredients)
    assert sum("duplicate" in i.flags for i in result.ingredients) == 2
    assert result.ingredients[0].inci_name == "WATER"


def test_fuzzy_and_unmatched_flags(starter: IngredientDictionary) -> None:
    rows = [["INCI", "%"], ["Water", "95"], ["Sodium Hyaluronte", "3"], ["Unobtainium Oil", "2"]]
    result = extract_formula(xlsx_bytes(rows), "f.xlsx", starter)
    by_raw = {i.raw_name: i for i in result.ingredients}
    assert "fuzzy_match" in by_raw["Sodium Hyaluronte"].flags
    assert by_raw["Sodium Hyaluronte"].inci_name == "SODIUM HYALURONATE"
    unknown = by_raw["Unobtainium Oil"]
    assert "unmatched" in unknown.flags and unknown.confidence.inci_name < 0.5


def test_detect_kind() -> None:
    assert detect_kind(b"%PDF-1.4", "x") == "pdf"
    assert detect_kind(b"a,b", "x.csv") == "csv"
    assert detect_kind(docx_bytes(EN_ROWS), "noext") == "docx"
    assert detect_kind(xlsx_bytes(EN_ROWS), "noext") == "xlsx"


def test_corrupt_xlsx(starter: IngredientDictionary) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("xl/workbook.xml", "<not-really-xml")
    for data in (buf.getvalue(), xlsx_bytes(EN_ROWS)[:300]):
        with pytest.raises(ExtractionError) as info:
            extract_formula(data, "broken.xlsx", starter)
        assert "XLSX" in info.value.reason


def test_empty_csv(starter: IngredientDictionary) -> None:
    for data in (b"", b"\xef\xbb\xbf", b"\n\n ,,\n"):
        with pytest.raises(ExtractionError):
            extract_formula(data, "empty.csv", starter)


def test_pdf_without_table(starter: IngredientDictionary) -> None:
    data = pdf_bytes(lines=["Dear customer,", "please find our quotation attached."])
    with pytest.raises(ExtractionError) as info:
        extract_formula(data, "letter.pdf", starter)
    assert "no ingredient table" in info.value.reason


def test_sheet_without_header(starter: IngredientDictionary) -> None:
    with pytest.raises(ExtractionError):
        extract_formula(xlsx_bytes([["foo", "bar"], [1, 2]]), "x.xlsx", starter)
