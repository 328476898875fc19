"""Formula extraction v2 (issue #20): fractions, blends, workbooks, Chinese names, fewer flags."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest

from app.ai.providers.finalize import finalize_extraction
from app.engines.formula import ExtractionError, extract_formula
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.models import ExtractedIngredient, FormulaExtractionResult
from bench.formula.hard import generate_hard
from bench.formula.run import accuracy, score_file
from tests.engines.formula.formula_sheets import csv_bytes, docx_bytes, xlsx_bytes


def _by_name(result: FormulaExtractionResult) -> dict[str, ExtractedIngredient]:
    return {i.inci_name or i.raw_name: i for i in result.ingredients}


def _workbook(sheets: Sequence[tuple[str, Sequence[Sequence[object]]]]) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---- 2 units ---------------------------------------------------------------------------------


def test_fraction_column_is_scaled_to_percent_and_flagged(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["INCI Name", "w/w"],
        ["Water", "0.82"],
        ["Glycerin", "0.1"],
        ["Butylene Glycol", "0.075"],
        ["Phenoxyethanol", "0.005"],
    ]
    result = extract_formula(csv_bytes(rows), "f.csv", starter)
    lines = _by_name(result)
    assert lines["WATER"].concentration_pct == pytest.approx(82.0)
    assert lines["PHENOXYETHANOL"].concentration_pct == pytest.approx(0.5)
    assert all("fraction_scaled" in i.flags for i in result.ingredients)
    assert result.total_pct == pytest.approx(100.0)
    assert [w.code for w in result.warnings] == ["fraction_scaled"]


def test_fraction_header_with_qs_balance(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["INCI Name", "Fraction"],
        ["Water", "q.s."],
        ["Glycerin", "0.05"],
        ["Allantoin", "0.002"],
    ]
    lines = _by_name(extract_formula(csv_bytes(rows), "f.csv", starter))
    assert lines["GLYCERIN"].concentration_pct == pytest.approx(5.0)
    assert lines["WATER"].concentration_pct == pytest.approx(94.8)


def test_percent_column_with_small_values_is_not_scaled(starter: IngredientDictionary) -> None:
    rows = [["INCI Name", "%"], ["Water", "q.s."], ["Glycerin", "0.5"], ["Allantoin", "0.2"]]
    lines = _by_name(extract_formula(csv_bytes(rows), "f.csv", starter))
    assert lines["GLYCERIN"].concentration_pct == pytest.approx(0.5)
    assert "fraction_scaled" not in lines["GLYCERIN"].flags


def test_ppm_and_ranges_unchanged(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["INCI Name", "Conc."],
        ["Water", "q.s."],
        ["Glycerin", "2-5%"],
        ["Tocopherol", "500 ppm"],
    ]
    lines = _by_name(extract_formula(csv_bytes(rows), "f.csv", starter))
    assert lines["GLYCERIN"].concentration_pct == 5.0 and "range" in lines["GLYCERIN"].flags
    assert lines["TOCOPHEROL"].concentration_pct == pytest.approx(0.05)


# ---- 3 blends --------------------------------------------------------------------------------


def test_preservative_blend_90_10_at_1_percent(starter: IngredientDictionary) -> None:
    """Acceptance: a 90/10 preservative blend used at 1 % gives 0.9 % and 0.1 % lines."""
    rows: list[list[object]] = [
        ["No.", "INCI Name", "CAS No.", "%"],
        [1, "Water", "7732-18-5", "q.s."],
        [2, "Glycerin", "56-81-5", "5"],
        [3, "Euxyl PE 9010", "", "1"],
        ["", "- Phenoxyethanol", "122-99-6", "90"],
        ["", "- Ethylhexylglycerin", "70445-33-9", "10"],
    ]
    result = extract_formula(csv_bytes(rows), "f.csv", starter)
    lines = _by_name(result)
    assert set(lines) == {"WATER", "GLYCERIN", "PHENOXYETHANOL", "ETHYLHEXYLGLYCERIN"}
    assert lines["PHENOXYETHANOL"].concentration_pct == pytest.approx(0.9)
    assert lines["ETHYLHEXYLGLYCERIN"].concentration_pct == pytest.approx(0.1)
    assert lines["PHENOXYETHANOL"].from_blend == "Euxyl PE 9010"
    assert lines["ETHYLHEXYLGLYCERIN"].from_blend == "Euxyl PE 9010"
    assert lines["GLYCERIN"].from_blend is None
    assert result.total_pct == pytest.approx(100.0)


def test_blend_part_summed_with_the_same_substance(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["Trade name", "INCI Name", "%", "% in raw material"],
        ["", "Water", "q.s.", ""],
        ["Euxyl PE 9010", "Phenoxyethanol", "1", "90"],
        ["", "Ethylhexylglycerin", "", "10"],
        ["", "Phenoxyethanol", "0.2", ""],
    ]
    result = extract_formula(xlsx_bytes(rows), "f.xlsx", starter)
    lines = [i for i in result.ingredients if i.inci_name == "PHENOXYETHANOL"]
    assert len(lines) == 1
    assert lines[0].concentration_pct == pytest.approx(1.1)
    assert lines[0].from_blend == "Euxyl PE 9010"
    assert "duplicate" not in lines[0].flags
    assert "summed: 0.9 % from 'Euxyl PE 9010' + 0.2 % listed directly" in (lines[0].notes or "")


def test_composition_in_a_separate_table_joined_by_reference(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["No.", "INCI Name", "CAS No.", "%"],
        [1, "Water", "7732-18-5", "q.s."],
        [2, "Preservative blend PE-9010, SEE TABLE 2", "", "1.0"],
        ["", "Total", "", "100"],
        [],
        ["Table 2: composition of the preservative blend"],
        ["INCI Name", "CAS No.", "% in blend"],
        ["Phenoxyethanol", "122-99-6", "90"],
        ["Ethylhexylglycerin", "70445-33-9", "10"],
    ]
    result = extract_formula(csv_bytes(rows), "f.csv", starter)
    lines = _by_name(result)
    assert set(lines) == {"WATER", "PHENOXYETHANOL", "ETHYLHEXYLGLYCERIN"}
    assert lines["PHENOXYETHANOL"].concentration_pct == pytest.approx(0.9)
    assert lines["ETHYLHEXYLGLYCERIN"].from_blend == "Preservative blend PE-9010"
    assert lines["WATER"].concentration_pct == pytest.approx(99.0)
    assert any("composition joined" in s for s in result.skipped_tables)


def test_composition_table_in_docx_joined_by_trade_name(starter: IngredientDictionary) -> None:
    import docx

    document = docx.Document()
    for title, rows in (
        ("", [["INCI Name", "%"], ["Water", "q.s."], ["Emulsifier CG-73", "2"]]),
        (
            "Composition of Emulsifier CG-73",
            [["INCI Name", "Fraction"], ["Cetearyl Alcohol", "0.7"], ["Cetearyl Glucoside", "0.3"]],
        ),
    ):
        if title:
            document.add_paragraph(title)
        table = document.add_table(rows=0, cols=2)
        for row in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = row
    buf = io.BytesIO()
    document.save(buf)
    lines = _by_name(extract_formula(buf.getvalue(), "f.docx", starter))
    assert lines["CETEARYL ALCOHOL"].concentration_pct == pytest.approx(1.4)
    assert lines["CETEARYL GLUCOSIDE"].concentration_pct == pytest.approx(0.6)
    assert "Emulsifier CG-73" not in lines


def test_missing_composition_table_leaves_one_unresolved_line(
    starter: IngredientDictionary,
) -> None:
    rows = [["INCI Name", "%"], ["Water", "q.s."], ["Blend QX, see table 3", "1"]]
    result = extract_formula(csv_bytes(rows), "f.csv", starter)
    blend = next(i for i in result.ingredients if i.raw_name == "Blend QX")
    assert blend.concentration_pct == 1.0
    assert "blend_unresolved" in blend.flags
    assert "composition table 3 referenced but not found" in (blend.notes or "")


def test_trade_name_without_breakdown_is_flagged(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["Trade name", "INCI Name", "%"],
        ["", "Water", "q.s."],
        ["Sepigel 305", "", "2"],
        ["Microcare® XP", "", "0.5"],
    ]
    result = extract_formula(xlsx_bytes(rows), "f.xlsx", starter)
    flagged = {i.raw_name for i in result.ingredients if "blend_unresolved" in i.flags}
    assert flagged == {"Sepigel 305", "Microcare® XP"}
    assert "blend_unresolved" in [w.code for w in result.warnings]


# ---- 4 workbooks and tables ------------------------------------------------------------------


def test_workbook_with_revision_sheet_and_phase_subtotals(starter: IngredientDictionary) -> None:
    """Acceptance: a workbook with a revision sheet and phase subtotals gives only the formula."""
    revision = [
        ["Date", "Version", "Ingredient", "Old %", "New %"],
        ["2026-03-01", "v1", "Glycerin", "6", "5"],
        ["2026-04-01", "v2", "Squalane", "4", "3"],
    ]
    formula: list[list[object]] = [
        ["Formula FC-1"],
        ["No.", "INCI Name", "CAS No.", "%"],
        ["Phase A"],
        [1, "Aqua", "7732-18-5", "q.s."],
        [2, "Glycerin", "56-81-5", "5"],
        ["", "Phase A 小計", "", "5"],
        ["Phase B"],
        [3, "Cetearyl Alcohol", "", "6"],
        [4, "Squalane", "111-01-3", "3"],
        ["", "Subtotal phase B", "", "9"],
        ["Phase C"],
        [5, "Phenoxyethanol", "122-99-6", "0.8"],
        ["", "合計", "", "100"],
    ]
    data = _workbook([("Revision history", revision), ("Formula", formula), ("Notes", [["x"]])])
    result = extract_formula(data, "f.xlsx", starter)
    lines = _by_name(result)
    assert set(lines) == {"WATER", "GLYCERIN", "SQUALANE", "CETEARYL ALCOHOL", "PHENOXYETHANOL"}
    assert lines["GLYCERIN"].concentration_pct == 5.0
    assert result.total_pct == pytest.approx(100.0)
    assert result.source_table == "sheet 'Formula'"
    assert any(s.startswith("sheet 'Revision history': skipped") for s in result.skipped_tables)
    assert lines["SQUALANE"].phase == "Phase B"
    assert "not_descending" not in [w.code for w in result.warnings]  # phase order explains it


def test_revision_sheet_recognised_by_its_columns(starter: IngredientDictionary) -> None:
    log = [["日期", "INCI Name", "修改前 %", "修改後 %"], ["2026-01-02", "Glycerin", "6", "5"]]
    formula = [["INCI Name", "%"], ["Water", "q.s."], ["Glycerin", "5"]]
    result = extract_formula(_workbook([("Sheet1", log), ("Sheet2", formula)]), "f.xlsx", starter)
    assert [i.inci_name for i in result.ingredients] == ["WATER", "GLYCERIN"]
    assert result.source_table == "sheet 'Sheet2'"


def test_only_a_revision_like_sheet_is_still_read_with_a_note(
    starter: IngredientDictionary,
) -> None:
    formula = [["INCI Name", "%"], ["Water", "q.s."], ["Glycerin", "5"]]
    result = extract_formula(_workbook([("Rev 3", formula)]), "f.xlsx", starter)
    assert len(result.ingredients) == 2
    assert result.skipped_tables == ["sheet 'Rev 3': read although it looks like a revision sheet"]


def test_no_formula_anywhere_gives_a_reason(starter: IngredientDictionary) -> None:
    data = _workbook([("Notes", [["just text"]]), ("Other", [["a", "b"], ["1", "2"]])])
    with pytest.raises(ExtractionError) as err:
        extract_formula(data, "f.xlsx", starter)
    assert "sheet 'Notes': no ingredient header" in err.value.reason


def test_merged_two_row_header(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["No.", "Ingredient", "", "Amount"],
        ["", "中文名", "INCI Name", "% w/w"],
        [1, "水", "Water", "80"],
        [2, "甘油", "Glycerin", "20"],
    ]
    result = extract_formula(xlsx_bytes(rows, merges=["B1:C1", "A1:A2"]), "f.xlsx", starter)
    lines = _by_name(result)
    assert lines["GLYCERIN"].concentration_pct == 20.0
    assert lines["GLYCERIN"].zh_name == "甘油"
    assert len(result.ingredients) == 2


def test_zh_subtotals_in_docx_phase_headings(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["序號", "INCI Name", "含量(%)"],
        ["A相", "", ""],
        ["1", "Water", "q.s."],
        ["2", "Glycerin", "3"],
        ["", "A相小計", "3"],
        ["B相", "", ""],
        ["3", "Squalane", "5"],
        ["", "總計", "100"],
    ]
    result = extract_formula(docx_bytes(rows), "f.docx", starter)
    assert [i.inci_name for i in result.ingredients] == ["WATER", "SQUALANE", "GLYCERIN"]
    assert "not_descending" not in [w.code for w in result.warnings]


# ---- 5 dictionary ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "inci"),
    [
        ("純水", "WATER"),
        ("去離子水", "WATER"),
        ("1,2-己二醇", "1,2-HEXANEDIOL"),
        ("乙基己基甘油", "ETHYLHEXYLGLYCERIN"),
        ("甘油", "GLYCERIN"),
        ("丁二醇", "BUTYLENE GLYCOL"),
        ("苯氧乙醇", "PHENOXYETHANOL"),
        ("玻尿酸鈉", "SODIUM HYALURONATE"),
        ("尿囊素", "ALLANTOIN"),
        ("生育醇", "TOCOPHEROL"),
    ],
)
def test_chinese_only_names_resolve(starter: IngredientDictionary, name: str, inci: str) -> None:
    rows = [["成分名稱", "含量(%)"], [name, "1"]]
    line = extract_formula(csv_bytes(rows, encoding="cp950"), "f.csv", starter).ingredients[0]
    assert line.inci_name == inci
    assert "unmatched" not in line.flags


def test_unresolved_name_keeps_candidates(starter: IngredientDictionary) -> None:
    rows = [["INCI Name", "%"], ["Hydrolyzed Hyaluronic Acid", "1"], ["對苯二酚", "1"]]
    lines = extract_formula(csv_bytes(rows), "f.csv", starter).ingredients
    assert all("unmatched" in line.flags for line in lines)
    assert lines[0].candidates[0] == "HYALURONIC ACID"
    assert "nearest dictionary names: HYALURONIC ACID" in (lines[0].notes or "")
    assert lines[1].candidates  # a Chinese name not in the table still gets candidates


# ---- 6 fewer false flags ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "cas"),
    [
        ("Tocopherol", "10191-41-0"),
        ("Sodium Laureth Sulfate", "9004-82-4"),
        ("Simmondsia Chinensis Seed Oil", "61789-91-1"),
        ("Dimethicone", "9006-65-9"),
        ("Caprylic/Capric Triglyceride", "65381-09-1"),
        ("Carbomer", "9003-01-4"),
        ("Limonene", "5989-27-5"),
    ],
)
def test_alternative_cas_is_not_a_mismatch(
    starter: IngredientDictionary, name: str, cas: str
) -> None:
    rows = [["INCI Name", "CAS No.", "%"], [name, cas, "1"]]
    result = extract_formula(csv_bytes(rows), "f.csv", starter)
    line = result.ingredients[0]
    assert line.cas == cas
    assert "cas_mismatch" not in line.flags and "cas_alternative" in line.flags
    assert "alternative CAS" in (line.notes or "")
    final = finalize_extraction(result, starter).ingredients[0]
    assert "cas_mismatch" not in final.flags


def test_a_wrong_cas_is_still_a_mismatch(starter: IngredientDictionary) -> None:
    rows = [["INCI Name", "CAS No.", "%"], ["Tocopherol", "56-81-5", "1"]]
    line = extract_formula(csv_bytes(rows), "f.csv", starter).ingredients[0]
    assert "cas_mismatch" in line.flags


def test_not_descending_still_fires_without_phases(starter: IngredientDictionary) -> None:
    rows = [["INCI Name", "%"], ["Water", "q.s."], ["Glycerin", "1"], ["Squalane", "5"]]
    result = extract_formula(csv_bytes(rows), "f.csv", starter)
    assert "not_descending" in [w.code for w in result.warnings]


def test_not_descending_fires_inside_a_phase(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["INCI Name", "%", "Phase"],
        ["Water", "q.s.", "A"],
        ["Glycerin", "1", "A"],
        ["Butylene Glycol", "3", "A"],
        ["Squalane", "5", "B"],
    ]
    result = extract_formula(csv_bytes(rows), "f.csv", starter)
    warning = next(w for w in result.warnings if w.code == "not_descending")
    assert "(phase A)" in warning.message


# ---- 7 the harder corpus ---------------------------------------------------------------------


def test_hard_corpus_field_accuracy(starter: IngredientDictionary) -> None:
    for case in generate_hard(rounds=1):
        result = extract_formula(case.data, case.filename, starter)
        predicted = [i.model_dump() for i in result.ingredients]
        scores = score_file(predicted, [t.__dict__ for t in case.truth])
        for field, score in scores.items():
            assert accuracy(score) >= 0.98, (case.filename, field, score)


def test_references_in_name_or_remark_cells_join_fraction_shares(
    starter: IngredientDictionary,
) -> None:
    rows: list[list[object]] = [
        ["Trade name", "INCI Name", "%", "Remarks"],
        ["", "Water", "q.s.", ""],
        ["Euxyl PE 9010", "SEE TABLE 2", "1", ""],
        ["Sepicide X", "", "0.5", "see table 3"],
        ["", "Total", "100", ""],
        [],
        ["TABLE 2"],
        ["INCI", "%"],
        ["Phenoxyethanol", "90"],
        ["Ethylhexylglycerin", "10"],
        ["Table 3"],
        ["INCI", "%"],
        ["Sodium Benzoate", "0.6"],
        ["Potassium Sorbate", "0.4"],
    ]
    result = extract_formula(csv_bytes(rows), "f.csv", starter)
    lines = {i.inci_name: (i.concentration_pct, i.from_blend) for i in result.ingredients}
    assert lines == {
        "WATER": (98.5, None),
        "PHENOXYETHANOL": (0.9, "Euxyl PE 9010"),
        "ETHYLHEXYLGLYCERIN": (0.1, "Euxyl PE 9010"),
        "SODIUM BENZOATE": (0.3, "Sepicide X"),
        "POTASSIUM SORBATE": (0.2, "Sepicide X"),
    }


def test_total_of_a_phase_does_not_end_the_table(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["INCI Name", "%"],
        ["Part A"],
        ["Water", "q.s."],
        ["Glycerin", "4"],
        ["Total Phase A", "4"],
        ["Part B"],
        ["Squalane", "5"],
        ["Total", "100"],
        ["Old value: Glycerin", "6"],
    ]
    result = extract_formula(csv_bytes(rows), "f.csv", starter)
    assert [i.inci_name for i in result.ingredients] == ["WATER", "SQUALANE", "GLYCERIN"]
    assert result.ingredients[0].concentration_pct == pytest.approx(91.0)


def test_percent_header_with_values_adding_to_one_is_scaled(starter: IngredientDictionary) -> None:
    rows = [["INCI Name", "% w/w"], ["Aqua", "0.82"], ["Glycerin", "0.15"], ["Squalane", "0.03"]]
    lines = _by_name(extract_formula(csv_bytes(rows), "f.csv", starter))
    assert lines["WATER"].concentration_pct == pytest.approx(82.0)


def test_a_second_table_below_the_total_is_not_read(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["INCI Name", "%"],
        ["Water", "q.s."],
        ["Glycerin", "5"],
        ["Total", "100"],
        [],
        ["Trade name", "INCI Name", "Supplier"],
        ["Glycerin 99.5", "Glycerin", "ACME"],
    ]
    result = extract_formula(csv_bytes(rows), "f.csv", starter)
    assert [i.inci_name for i in result.ingredients] == ["WATER", "GLYCERIN"]
    assert any("not read" in s for s in result.skipped_tables)


def test_blend_shares_written_in_the_percent_column(starter: IngredientDictionary) -> None:
    rows = [
        ["INCI Name", "%"],
        ["Water", "q.s."],
        ["Glycerin", "5"],
        ["Euxyl PE 9010", "1"],
        ["Phenoxyethanol", "90"],
        ["Ethylhexylglycerin", "10"],
        ["Allantoin", "0.2"],
    ]
    result = extract_formula(csv_bytes(rows), "f.csv", starter)
    lines = _by_name(result)
    assert lines["PHENOXYETHANOL"].concentration_pct == pytest.approx(0.9)
    assert lines["ETHYLHEXYLGLYCERIN"].from_blend == "Euxyl PE 9010"
    assert lines["ALLANTOIN"].concentration_pct == pytest.approx(0.2)
    assert lines["WATER"].concentration_pct == pytest.approx(93.8)


@pytest.mark.parametrize("label", ["Ratio in blend (%)", "比例", "Share", "% of blend"])
def test_blend_share_column_names(starter: IngredientDictionary, label: str) -> None:
    rows = [
        ["Trade name", "INCI Name", "%", label],
        ["", "Water", "q.s.", ""],
        ["Euxyl PE 9010", "Phenoxyethanol", "1", "90"],
        ["", "Ethylhexylglycerin", "", "10"],
    ]
    lines = _by_name(extract_formula(xlsx_bytes(rows), "f.xlsx", starter))
    assert lines["ETHYLHEXYLGLYCERIN"].concentration_pct == pytest.approx(0.1)


def test_chinese_name_column_only(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["序號", "中文名稱", "含量(%)"],
        [1, "純水", "適量"],
        [2, "乙基己基甘油", "0.5"],
    ]
    lines = _by_name(extract_formula(csv_bytes(rows, encoding="cp950"), "f.csv", starter))
    assert lines["WATER"].concentration_pct == pytest.approx(99.5)
    assert lines["ETHYLHEXYLGLYCERIN"].zh_name == "乙基己基甘油"


def test_bare_phase_letters_explain_the_order(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["No.", "INCI Name", "%"],
        ["A", "", ""],
        [1, "Water", "q.s."],
        [2, "Glycerin", "2"],
        ["B", "", ""],
        [3, "Squalane", "6"],
    ]
    result = extract_formula(csv_bytes(rows), "f.csv", starter)
    assert "not_descending" not in [w.code for w in result.warnings]
    assert _by_name(result)["SQUALANE"].phase == "B"


def test_latest_formula_version_sheet_wins(starter: IngredientDictionary) -> None:
    v1 = [["INCI Name", "%"], ["Water", "q.s."], ["Glycerin", "6"], ["Squalane", "2"]]
    v2 = [["INCI Name", "%"], ["Water", "q.s."], ["Glycerin", "5"]]
    result = extract_formula(_workbook([("Formula v2", v2), ("Formula v1", v1)]), "f.xlsx", starter)
    assert result.source_table == "sheet 'Formula v2'"
    result = extract_formula(_workbook([("Formula v1", v1), ("Formula v2", v2)]), "f.xlsx", starter)
    assert _by_name(result)["GLYCERIN"].concentration_pct == 5.0


def test_reference_in_the_cas_column(starter: IngredientDictionary) -> None:
    rows: list[list[object]] = [
        ["INCI Name", "CAS No.", "%"],
        ["Water", "7732-18-5", "q.s."],
        ["Blend QX", "see Table 2", "2"],
        ["Total", "", "100"],
        ["Table 2"],
        ["INCI Name", "CAS No.", "%"],
        ["Glycerin", "56-81-5", "50"],
        ["Butylene Glycol", "107-88-0", "50"],
    ]
    lines = _by_name(extract_formula(csv_bytes(rows), "f.csv", starter))
    assert lines["GLYCERIN"].concentration_pct == pytest.approx(1.0)
    assert lines["BUTYLENE GLYCOL"].from_blend == "Blend QX"
