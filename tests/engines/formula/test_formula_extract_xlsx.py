from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from app.engines.formula import extract_formula
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.models import confidence_band
from tests.engines.formula.formula_sheets import xlsx_bytes

HEADER = ["No.", "成分名稱 INCI Name", "中文名", "CAS No.", "含量 (%)", "功能"]
TITLE = [["XX 化粧品有限公司"], ["產品名稱：保濕乳液 Moisturising Lotion"], ["配方表"], []]

# (name as written, expected INCI, concentration text, expected value, write the CAS?)
FORMULA: list[tuple[str, str, str, float, bool]] = [
    ("Glycerine", "GLYCERIN", "5.00", 5.0, True),
    ("Butylene  glycol", "BUTYLENE GLYCOL", "4,00", 4.0, True),
    ("Caprylic/Capric Triglyceride", "CAPRYLIC/CAPRIC TRIGLYCERIDE", "3.50", 3.5, False),
    ("Squalane", "SQUALANE", "2.50", 2.5, True),
    ("Isononyl Isononanoate", "ISONONYL ISONONANOATE", "2.00", 2.0, False),
    ("Butyrospermum Parkii (Shea) Butter", "BUTYROSPERMUM PARKII BUTTER", "1.80", 1.8, False),
    ("Dimethicone", "DIMETHICONE", "1.50", 1.5, True),
    ("Niacinamide", "NIACINAMIDE", "1.20", 1.2, True),
    ("Propanediol", "PROPANEDIOL", "1.00", 1.0, False),
    ("Glyceryl Stearate", "GLYCERYL STEARATE", "1.00", 1.0, True),
    ("PEG-100 Stearate", "PEG-100 STEARATE", "0.90", 0.9, False),
    ("Cetyl Alcohol", "CETYL ALCOHOL", "0.80", 0.8, True),
    ("Simmondsia Chinensis Seed Oil", "SIMMONDSIA CHINENSIS SEED OIL", "0.80", 0.8, False),
    ("Pentylene Glycol", "PENTYLENE GLYCOL", "0.70", 0.7, True),
    ("Phenoxyethanol ", "PHENOXYETHANOL", "0.50", 0.5, True),
    ("Panthenol", "PANTHENOL", "0.50", 0.5, True),
    ("Tocopheryl Acetate", "TOCOPHERYL ACETATE", "0.50", 0.5, False),
    ("Ethylhexylglycerin", "ETHYLHEXYLGLYCERIN", "0.40", 0.4, True),
    ("Carbomer", "CARBOMER", "0.30", 0.3, False),
    ("Xanthan Gum", "XANTHAN GUM", "0.30", 0.3, True),
    ("Caprylyl Glycol", "CAPRYLYL GLYCOL", "0.30", 0.3, False),
    ("Allantoin", "ALLANTOIN", "0.20", 0.2, True),
    ("Sodium Hydroxide", "SODIUM HYDROXIDE", "0.12", 0.12, True),
    ("Dipotassium Glycyrrhizate", "DIPOTASSIUM GLYCYRRHIZATE", "0.10", 0.1, False),
    ("Disodium EDTA", "DISODIUM EDTA", "0.10", 0.1, True),
    ("Sodium Hyaluronate", "SODIUM HYALURONATE", "0.10", 0.1, False),
    ("Centella Asiatica Extract", "CENTELLA ASIATICA EXTRACT", "0.10", 0.1, False),
    ("Bisabolol", "BISABOLOL", "0.10", 0.1, True),
    ("Adenosine", "ADENOSINE", "0.04", 0.04, True),
    ("Citric Acid", "CITRIC ACID", "0.03", 0.03, True),
    ("Camellia Sinensis Leaf Extract", "CAMELLIA SINENSIS LEAF EXTRACT", "0.02", 0.02, False),
    ("Parfum", "PARFUM", "0.02", 0.02, False),
    ("Ceramide NP", "CERAMIDE NP", "0.01", 0.01, False),
    ("Acetyl Hexapeptide-8", "ACETYL HEXAPEPTIDE-8", "0.005", 0.005, False),
    ("Linalool", "LINALOOL", "0.002", 0.002, True),
    ("Limonene", "LIMONENE", "0.001", 0.001, True),
]
MIX = [("Cetearyl Alcohol", "2.40", 2.4), ("Cetearyl Glucoside", "0.60", 0.6)]


def forty_row_sheet(starter: IngredientDictionary) -> tuple[bytes, dict[str, float]]:
    """The acceptance sheet: 4 title rows, header in row 5, 40 data rows, a Total row."""
    rows: list[Sequence[object]] = [*TITLE, HEADER, [1, "Aqua", "水", "7732-18-5", "q.s.", "溶劑"]]
    expected: dict[str, float] = {}
    indent_rows: list[int] = []
    for i, (written, inci, conc, value, give_cas) in enumerate(FORMULA):
        entry = starter.get(inci)
        assert entry is not None, inci
        cas = entry.cas_numbers[0] if give_cas and entry.cas_numbers else ""
        rows.append([len(rows) - 4, written, "", cas, conc, ""])
        expected[inci] = value
        if i == 2:  # trade-name mixture right after the triglyceride, sub-rows indented
            rows.append([len(rows) - 4, "Emulsifier MX-68 (trade name)", "", "", "3.00", "乳化"])
            for name, sub_conc, sub_value in MIX:
                rows.append(["", name, "", "", sub_conc, ""])
                indent_rows.append(len(rows))
                expected[name.upper()] = sub_value
    rows.append(["", "合計 Total", "", "", "100", ""])
    expected["WATER"] = round(100 - sum(expected.values()), 6)
    assert len(rows) - len(TITLE) - 2 == 40
    return xlsx_bytes(rows, indent_rows=indent_rows), expected


def test_forty_row_acceptance(starter: IngredientDictionary) -> None:
    data, expected = forty_row_sheet(starter)
    result = extract_formula(data, "formula.xlsx", starter)
    got = {i.inci_name: i for i in result.ingredients}
    assert set(got) == set(expected)
    for inci, value in expected.items():
        ing = got[inci]
        entry = starter.get(inci)
        assert entry is not None
        assert ing.concentration_pct == pytest.approx(value), inci
        assert ing.cas == (entry.cas_numbers[0] if entry.cas_numbers else None), inci
        assert "cas_mismatch" not in ing.flags and "cas_checksum_invalid" not in ing.flags
    water = got["WATER"]
    assert "qs_balance" in water.flags and water.zh_name == "水"
    assert water.sort_order == 1
    assert "mixture_part" in got["CETEARYL ALCOHOL"].flags
    assert result.total_pct == pytest.approx(100.0)
    assert [w.code for w in result.warnings] == []
    values = [i.concentration_pct or 0.0 for i in result.ingredients]
    assert values == sorted(values, reverse=True)
    assert [i.sort_order for i in result.ingredients] == list(
        range(1, 40)
    )  # the trade-name row is not an ingredient
    assert got["GLYCERIN"].raw_name == "Glycerine"
    assert got["BUTYLENE GLYCOL"].raw_name == "Butylene  glycol"
    assert confidence_band(got["GLYCERIN"].confidence.inci_name) == "high"


def test_acceptance_with_full_inventory(
    inventory_path: Path, starter: IngredientDictionary
) -> None:
    from app.engines.formula.inventory import load_inventory_dictionary
    from app.engines.formula.starter import load_synonyms

    full = load_inventory_dictionary(inventory_path, load_synonyms())
    data, expected = forty_row_sheet(starter)
    result = extract_formula(data, "formula.xlsx", full)
    got = {i.inci_name: i for i in result.ingredients}
    assert set(got) == set(expected)
    for inci, value in expected.items():
        assert got[inci].concentration_pct == pytest.approx(value), inci
    assert got["GLYCERIN"].cas == "56-81-5"


def small_sheet(rows: list[list[object]]) -> bytes:
    return xlsx_bytes([["Formula"], ["INCI Name", "CAS No.", "%"], *rows])


def test_wrong_check_digit_flagged(starter: IngredientDictionary) -> None:
    data = small_sheet([["Water", "", "q.s."], ["Phenoxyethanol", "122-99-7", "0.8"]])
    result = extract_formula(data, "f.xlsx", starter)
    pe = next(i for i in result.ingredients if i.inci_name == "PHENOXYETHANOL")
    assert pe.cas == "122-99-7"  # never silently replaced
    assert "cas_checksum_invalid" in pe.flags
    assert pe.confidence.cas <= 0.1
    assert confidence_band(result.confidence) == "low"


def test_cas_mismatch_flagged(starter: IngredientDictionary) -> None:
    data = small_sheet([["Water", "", "q.s."], ["Glycerin", "107-88-0", "5"]])
    result = extract_formula(data, "f.xlsx", starter)
    gly = next(i for i in result.ingredients if i.inci_name == "GLYCERIN")
    assert gly.cas == "107-88-0" and "cas_mismatch" in gly.flags
    assert gly.confidence.cas < 0.5
    assert gly.notes is not None and "BUTYLENE GLYCOL" in gly.notes


@pytest.mark.parametrize(
    ("water", "flagged"), [(88.0, True), (92.9, True), (93.0, False), (97.0, False), (97.1, True)]
)
def test_total_tolerance(starter: IngredientDictionary, water: float, flagged: bool) -> None:
    # 5 % glycerin: totals 93, 97.9, 98.0, 102.0 and 102.1 %
    data = small_sheet([["Water", "", water], ["Glycerin", "", 5]])
    result = extract_formula(data, "f.xlsx", starter)
    codes = [w.code for w in result.warnings]
    assert ("total_out_of_range" in codes) is flagged
    assert len(result.ingredients) == 2
