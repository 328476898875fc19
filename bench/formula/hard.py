"""A harder formula corpus (issue #20): files as brand owners and OEMs send them, with truth.

Each case is one layout problem (or several) on a realistic formula: Big5 CSV with Chinese-only
names, workbooks with revision/notes sheets and phase subtotals (XLSX and legacy XLS), merged and
two-row headers, mass-fraction columns, trade-name blends with sub-rows or with the composition in
a separate table, phase-ordered sheets, ppm and ranges. Values vary with the seed; the truth is
the formula as the safety assessor must see it (blend parts at parent % x share, one line per
substance, ranges at the upper bound).
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from app.engines.formula.starter import read_starter_rows
from bench.formula.generate import Truth
from bench.formula.writers import to_csv, to_docx, to_pdf

Rows = list[list[object]]
# INCI -> Traditional Chinese name as written on Taiwanese sheets (app/data/names/zh_names.csv).
ZH = {
    "GLYCERIN": "甘油",
    "BUTYLENE GLYCOL": "丁二醇",
    "1,2-HEXANEDIOL": "1,2-己二醇",
    "ETHYLHEXYLGLYCERIN": "乙基己基甘油",
    "PHENOXYETHANOL": "苯氧乙醇",
    "SODIUM HYALURONATE": "玻尿酸鈉",
    "ALLANTOIN": "尿囊素",
    "TOCOPHEROL": "生育醇",
    "PROPYLENE GLYCOL": "丙二醇",
    "NIACINAMIDE": "菸鹼醯胺",
    "PANTHENOL": "泛醇",
    "XANTHAN GUM": "三仙膠",
    "CETEARYL ALCOHOL": "鯨蠟硬脂醇",
}
AQUEOUS = ["GLYCERIN", "BUTYLENE GLYCOL", "PROPYLENE GLYCOL", "NIACINAMIDE", "PANTHENOL"]
OILS = ["CAPRYLIC/CAPRIC TRIGLYCERIDE", "SQUALANE", "DIMETHICONE", "CETEARYL ALCOHOL"]
MINORS = ["ALLANTOIN", "SODIUM HYALURONATE", "XANTHAN GUM", "TOCOPHEROL", "DISODIUM EDTA"]


def _cas() -> dict[str, str | None]:
    return {r.inci_name: (r.cas_number.split("|")[0] or None) for r in read_starter_rows()}


CAS = _cas()


@dataclass
class HardCase:
    """One generated file with its truth, difficulty and features."""

    filename: str
    data: bytes
    truth: list[Truth]
    difficulty: str
    features: list[str] = field(default_factory=list)


def _disp(inci: str) -> str:
    return " ".join(w.capitalize() if not any(c.isdigit() for c in w) else w for w in inci.split())


def _fmt(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".")


def _values(rng: random.Random, names: list[str], low: float, high: float) -> list[float]:
    return sorted((round(rng.uniform(low, high), 2) for _ in names), reverse=True)


def _truth(lines: dict[str, float]) -> list[Truth]:
    return [Truth(n, CAS.get(n), round(v, 4)) for n, v in lines.items()]


def _phased(rng: random.Random) -> tuple[list[tuple[str, list[tuple[str, float]]]], float]:
    """Phases A (aqueous), B (oils), C (minors); values descend only within each phase."""
    a = rng.sample(AQUEOUS, 3)
    b = rng.sample(OILS, 3)
    c = rng.sample(MINORS, 3)
    phases = [
        ("A", list(zip(a, _values(rng, a, 1.0, 5.0), strict=True))),
        ("B", list(zip(b, _values(rng, b, 2.0, 8.0), strict=True))),
        ("C", list(zip(c, _values(rng, c, 0.05, 0.5), strict=True))),
    ]
    rest = sum(v for _, items in phases for _, v in items)
    return phases, round(100 - rest, 4)


def _xlsx(sheets: list[tuple[str, Rows, list[str], list[int]]]) -> bytes:
    """Workbook: (title, rows, merged ranges, indented 1-based rows in column B) per sheet."""
    import openpyxl
    from openpyxl.styles import Alignment

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows, merges, indents in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
        for rng_ in merges:
            ws.merge_cells(rng_)
        for r in indents:
            ws.cell(row=r, column=2).alignment = Alignment(indent=2)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xls(sheets: list[tuple[str, Rows]]) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    for title, rows in sheets:
        ws = book.add_sheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                ws.write(r, c, value)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _revision_rows(phases: list[tuple[str, list[tuple[str, float]]]]) -> Rows:
    rows: Rows = [["Date", "Version", "Ingredient", "Old %", "New %", "Reason"]]
    for i, (_, items) in enumerate(phases):
        inci, v = items[0]
        rows.append([f"2026-0{i + 3}-01", f"v{i + 1}", _disp(inci), _fmt(v + 1), _fmt(v), "cost"])
    return rows


def _formula_rows(phases: list[tuple[str, list[tuple[str, float]]]], zh_sub: bool) -> Rows:
    rows: Rows = [["Formula: moisturising cream FC-2611"], [], ["No.", "INCI Name", "CAS No.", "%"]]
    n = 0
    for label, items in phases:
        rows.append([f"Phase {label}"])
        if label == "A":
            n += 1
            rows.append([n, "Aqua", "7732-18-5", "q.s."])
        for inci, v in items:
            n += 1
            rows.append([n, _disp(inci), CAS.get(inci) or "", _fmt(v)])
        sub = f"Phase {label} 小計" if zh_sub else f"Subtotal phase {label}"
        rows.append(["", sub, "", _fmt(sum(v for _, v in items))])
    rows.append(["", "合計 Total", "", "100"])
    return rows


def case_workbook_xlsx(rng: random.Random, i: int) -> HardCase:
    phases, water = _phased(rng)
    sheets = [
        ("Revision history", _revision_rows(phases), [], []),
        ("Formula", _formula_rows(phases, zh_sub=True), [], []),
        ("Notes", [["Notes"], ["Ingredient", "Remark"], ["Glycerin", "supplier changed"]], [], []),
    ]
    truth = {"WATER": water} | {n: v for _, items in phases for n, v in items}
    return HardCase(
        f"hard_{i:02d}_workbook_revision.xlsx",
        _xlsx(sheets),
        _truth(truth),
        "hard",
        ["revision_sheet", "notes_sheet", "phase_subtotals", "phase_order"],
    )


def case_workbook_xls(rng: random.Random, i: int) -> HardCase:
    phases, water = _phased(rng)
    sheets = [
        ("修訂記錄", _revision_rows(phases)),
        ("配方", _formula_rows(phases, zh_sub=False)),
    ]
    truth = {"WATER": water} | {n: v for _, items in phases for n, v in items}
    return HardCase(
        f"hard_{i:02d}_workbook_revision.xls",
        _xls(sheets),
        _truth(truth),
        "hard",
        ["xls", "revision_sheet", "phase_subtotals", "phase_order"],
    )


def case_two_row_header(rng: random.Random, i: int) -> HardCase:
    phases, water = _phased(rng)
    rows: Rows = [
        ["No.", "Ingredient", "", "CAS No.", "Amount", ""],
        ["", "中文名", "INCI Name", "", "% w/w", "Phase"],
    ]
    n = 0
    for label, items in phases:
        if label == "A":
            n += 1
            rows.append([n, "水", "Water", "7732-18-5", "q.s.", label])
        for inci, v in items:
            n += 1
            rows.append([n, ZH.get(inci, ""), _disp(inci), CAS.get(inci) or "", _fmt(v), label])
    truth = {"WATER": water} | {n: v for _, items in phases for n, v in items}
    data = _xlsx([("Formula", rows, ["B1:C1", "E1:F1", "A1:A2", "D1:D2"], [])])
    return HardCase(
        f"hard_{i:02d}_two_row_header.xlsx",
        data,
        _truth(truth),
        "hard",
        ["merged_header", "two_row_header", "phase_column", "phase_order"],
    )


def _zh_formula(rng: random.Random) -> tuple[list[tuple[str, float]], float]:
    names = rng.sample(sorted(ZH), 9)
    values = _values(rng, names, 0.05, 6.0)
    items = list(zip(names, values, strict=True))
    return items, round(100 - sum(values), 4)


def case_big5_zh_only(rng: random.Random, i: int) -> HardCase:
    items, water = _zh_formula(rng)
    rows: Rows = [["配方表"], ["序號", "成分名稱", "CAS No.", "含量(%)"], [1, "純水", "", "適量"]]
    for n, (inci, v) in enumerate(items, start=2):
        rows.append([n, ZH[inci], CAS.get(inci) or "", _fmt(v)])
    rows.append(["", "合計", "", "100"])
    truth = {"WATER": water} | dict(items)
    return HardCase(
        f"hard_{i:02d}_big5_zh_only.csv",
        to_csv(rows, encoding="cp950"),
        _truth(truth),
        "hardest",
        ["big5", "zh_only_names", "qs"],
    )


def case_zh_only_no_cas(rng: random.Random, i: int) -> HardCase:
    items, water = _zh_formula(rng)
    rows: Rows = [["序號", "成分", "配方量(%)", "功能"], [1, "去離子水", _fmt(water), "溶劑"]]
    for n, (inci, v) in enumerate(items, start=2):
        rows.append([n, ZH[inci], _fmt(v), ""])
    truth = {"WATER": water} | dict(items)
    return HardCase(
        f"hard_{i:02d}_zh_only_no_cas.xlsx",
        _xlsx([("配方", rows, [], [])]),
        _truth(truth),
        "hardest",
        ["zh_only_names", "no_cas_column"],
    )


def case_fraction(rng: random.Random, i: int, qs: bool) -> HardCase:
    names = rng.sample(AQUEOUS + OILS + MINORS, 8)
    values = _values(rng, names, 0.1, 6.0)
    water = round(100 - sum(values), 4)
    header = ["INCI Name", "CAS No.", "Fraction" if qs else "w/w fraction"]
    rows: Rows = [header, ["Water", "7732-18-5", "q.s." if qs else _fmt(water / 100)]]
    rows += [
        [_disp(n), CAS.get(n) or "", _fmt(v / 100)] for n, v in zip(names, values, strict=True)
    ]
    truth = {"WATER": water} | dict(zip(names, values, strict=True))
    kind = "xlsx" if qs else "csv"
    data = _xlsx([("Formula", rows, [], [])]) if qs else to_csv(rows)
    return HardCase(
        f"hard_{i:02d}_fraction{'_qs' if qs else ''}.{kind}",
        data,
        _truth(truth),
        "medium",
        ["fraction"] + (["qs"] if qs else []),
    )


def _blend_base(rng: random.Random) -> tuple[list[tuple[str, float]], float, float]:
    names = rng.sample(["GLYCERIN", "BUTYLENE GLYCOL", "NIACINAMIDE", "SQUALANE", "DIMETHICONE"], 4)
    values = _values(rng, names, 0.5, 5.0)
    blend = round(rng.choice([0.5, 0.8, 1.0, 1.2]), 2)
    return list(zip(names, values, strict=True)), blend, round(100 - sum(values) - blend, 4)


def case_blend_subrows(rng: random.Random, i: int) -> HardCase:
    items, blend, water = _blend_base(rng)
    extra = round(rng.uniform(0.1, 0.3), 2)  # phenoxyethanol also listed on its own
    water = round(water - extra, 4)
    rows: Rows = [
        ["No.", "Trade name", "INCI Name", "CAS No.", "%", "% in raw material"],
        [1, "", "Water", "7732-18-5", _fmt(water), ""],
    ]
    for n, (inci, v) in enumerate(items, start=2):
        rows.append([n, "", _disp(inci), CAS.get(inci) or "", _fmt(v), ""])
    rows.append([6, "Euxyl PE 9010", "Phenoxyethanol", "122-99-6", _fmt(blend), "90"])
    rows.append(["", "", "Ethylhexylglycerin", "70445-33-9", "", "10"])
    rows.append([7, "", "Phenoxyethanol", "122-99-6", _fmt(extra), ""])
    truth = {"WATER": water} | dict(items)
    truth["PHENOXYETHANOL"] = round(blend * 0.9 + extra, 4)
    truth["ETHYLHEXYLGLYCERIN"] = round(blend * 0.1, 4)
    return HardCase(
        f"hard_{i:02d}_blend_subrows.xlsx",
        _xlsx([("Formula", rows, [], [])]),
        _truth(truth),
        "hard",
        ["blend_subrows", "summed_substance"],
    )


def case_blend_indented(rng: random.Random, i: int) -> HardCase:
    items, blend, water = _blend_base(rng)
    rows: Rows = [["No.", "INCI Name", "CAS No.", "% w/w"], [1, "Water", "7732-18-5", "q.s."]]
    for n, (inci, v) in enumerate(items, start=2):
        rows.append([n, _disp(inci), CAS.get(inci) or "", _fmt(v)])
    rows.append([6, "Preservative blend SB-64", "", _fmt(blend)])
    rows.append(["", "- Sodium Benzoate", "532-32-1", "60"])
    rows.append(["", "- Potassium Sorbate", "24634-61-5", "40"])
    truth = {"WATER": water} | dict(items)
    truth["SODIUM BENZOATE"] = round(blend * 0.6, 4)
    truth["POTASSIUM SORBATE"] = round(blend * 0.4, 4)
    return HardCase(
        f"hard_{i:02d}_blend_indented.csv",
        to_csv(rows, delimiter=";"),
        _truth(truth),
        "hard",
        ["blend_subrows_shares", "qs"],
    )


def case_blend_shares_in_percent_column(rng: random.Random, i: int) -> HardCase:
    items, blend, water = _blend_base(rng)
    rows: Rows = [["INCI Name", "CAS No.", "%"], ["Aqua", "7732-18-5", "q.s."]]
    rows += [[_disp(n), CAS.get(n) or "", _fmt(v)] for n, v in items]
    rows += [["Euxyl PE 9010", "", _fmt(blend)], ["Phenoxyethanol", "122-99-6", "90"]]
    rows += [["Ethylhexylglycerin", "70445-33-9", "10"]]
    truth = {"WATER": water} | dict(items)
    truth["PHENOXYETHANOL"] = round(blend * 0.9, 4)
    truth["ETHYLHEXYLGLYCERIN"] = round(blend * 0.1, 4)
    return HardCase(
        f"hard_{i:02d}_blend_shares_in_pct.csv",
        to_csv(rows, encoding="cp950"),
        _truth(truth),
        "hard",
        ["blend_shares_in_percent_column", "big5", "qs"],
    )


def case_blend_table_csv(rng: random.Random, i: int) -> HardCase:
    items, blend, water = _blend_base(rng)
    rows: Rows = [["No.", "INCI Name", "CAS No.", "%"], [1, "Water", "7732-18-5", _fmt(water)]]
    for n, (inci, v) in enumerate(items, start=2):
        rows.append([n, _disp(inci), CAS.get(inci) or "", _fmt(v)])
    rows.append([6, "Preservative blend PE-9010, SEE TABLE 2", "", _fmt(blend)])
    rows += [["", "Total", "", "100"], [], ["Table 2: composition of Preservative blend PE-9010"]]
    rows += [["INCI Name", "CAS No.", "% in blend"]]
    rows += [["Phenoxyethanol", "122-99-6", "90"], ["Ethylhexylglycerin", "70445-33-9", "10"]]
    truth = {"WATER": water} | dict(items)
    truth["PHENOXYETHANOL"] = round(blend * 0.9, 4)
    truth["ETHYLHEXYLGLYCERIN"] = round(blend * 0.1, 4)
    return HardCase(
        f"hard_{i:02d}_blend_table.csv",
        to_csv(rows),
        _truth(truth),
        "hardest",
        ["blend_separate_table", "see_table_reference"],
    )


def case_blend_sheet(rng: random.Random, i: int) -> HardCase:
    items, blend, water = _blend_base(rng)
    main: Rows = [["No.", "Trade name", "INCI Name", "CAS No.", "%", "Remarks"]]
    main.append([1, "", "Water", "7732-18-5", "q.s.", ""])
    for n, (inci, v) in enumerate(items, start=2):
        main.append([n, "", _disp(inci), CAS.get(inci) or "", _fmt(v), ""])
    main.append([6, "Sharomix 705", "", "", _fmt(blend), "see table 2"])
    comp: Rows = [["INCI Name", "CAS No.", "% in raw material"]]
    comp += [["Sodium Benzoate", "532-32-1", "60%"], ["Potassium Sorbate", "24634-61-5", "40%"]]
    data = _xlsx([("Formula", main, [], []), ("Table 2", comp, [], [])])
    truth = {"WATER": round(water, 4)} | dict(items)
    truth["SODIUM BENZOATE"] = round(blend * 0.6, 4)
    truth["POTASSIUM SORBATE"] = round(blend * 0.4, 4)
    return HardCase(
        f"hard_{i:02d}_blend_sheet.xlsx",
        data,
        _truth(truth),
        "hardest",
        ["blend_separate_sheet", "reference_in_remarks", "qs"],
    )


def case_merged_xls(rng: random.Random, i: int) -> HardCase:
    import xlwt

    phases, water = _phased(rng)
    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet("配方表")
    ws.write_merge(0, 0, 0, 3, "產品配方 Formula FC-2613")
    ws.write_merge(1, 1, 1, 2, "成分 Ingredient")
    ws.write_merge(1, 2, 0, 0, "序號")
    ws.write_merge(1, 2, 3, 3, "含量 %")
    ws.write(2, 1, "中文名稱")
    ws.write(2, 2, "INCI Name")
    r = 3
    for label, items in phases:
        ws.write(r, 1, f"Part {label}")
        r += 1
        if label == "A":
            ws.write(r, 1, "純水")
            ws.write(r, 2, "Aqua")
            ws.write(r, 3, "q.s.")
            r += 1
        for inci, v in items:
            ws.write(r, 1, ZH.get(inci, ""))
            ws.write(r, 2, _disp(inci))
            ws.write(r, 3, v)
            r += 1
        ws.write(r, 2, f"Total Part {label}")
        ws.write(r, 3, round(sum(v for _, v in items), 4))
        r += 1
    ws.write(r, 2, "Total")
    ws.write(r, 3, 100)
    buf = io.BytesIO()
    book.save(buf)
    truth = {"WATER": water} | {n: v for _, items in phases for n, v in items}
    return HardCase(
        f"hard_{i:02d}_merged_header.xls",
        buf.getvalue(),
        _truth(truth),
        "hard",
        ["xls", "merged_header", "two_row_header", "part_subtotals", "phase_order"],
    )


def case_blend_table_docx(rng: random.Random, i: int) -> HardCase:
    import docx

    items, blend, water = _blend_base(rng)
    document = docx.Document()
    document.add_paragraph("Formula FC-2612")
    main: Rows = [["No.", "INCI Name", "CAS No.", "%"], [1, "Water", "7732-18-5", _fmt(water)]]
    for n, (inci, v) in enumerate(items, start=2):
        main.append([n, _disp(inci), CAS.get(inci) or "", _fmt(v)])
    main.append([6, "Emulsifier blend CG-73", "", _fmt(blend)])
    comp: Rows = [
        ["INCI Name", "CAS No.", "Fraction"],
        ["Cetearyl Alcohol", CAS.get("CETEARYL ALCOHOL") or "", "0.7"],
        ["Cetearyl Glucoside", CAS.get("CETEARYL GLUCOSIDE") or "", "0.3"],
    ]
    for title, rows in (("", main), ("Composition of Emulsifier blend CG-73", comp)):
        if title:
            document.add_paragraph(title)
        table = document.add_table(rows=0, cols=len(rows[0]))
        for row in rows:
            cells = table.add_row().cells
            for c, value in enumerate(row):
                cells[c].text = str(value)
    buf = io.BytesIO()
    document.save(buf)
    truth = {"WATER": water} | dict(items)
    truth["CETEARYL ALCOHOL"] = round(blend * 0.7, 4)
    truth["CETEARYL GLUCOSIDE"] = round(blend * 0.3, 4)
    return HardCase(
        f"hard_{i:02d}_blend_table.docx",
        buf.getvalue(),
        _truth(truth),
        "hardest",
        ["blend_separate_table", "join_by_trade_name", "fraction_shares"],
    )


def case_phase_pdf(rng: random.Random, i: int) -> HardCase:
    phases, water = _phased(rng)
    rows: Rows = [["No.", "INCI Name", "CAS No.", "% w/w", "Phase"]]
    for label, items in phases:
        if label == "A":
            rows.append([len(rows), "Water", "7732-18-5", "q.s.", label])
        for inci, v in items:
            rows.append([len(rows), _disp(inci), CAS.get(inci) or "", _fmt(v), label])
    truth = {"WATER": water} | {n: v for _, items in phases for n, v in items}
    return HardCase(
        f"hard_{i:02d}_phase_ordered.pdf",
        to_pdf(rows),
        _truth(truth),
        "medium",
        ["phase_column", "phase_order", "pdf"],
    )


def case_phase_docx(rng: random.Random, i: int) -> HardCase:
    phases, water = _phased(rng)
    rows: Rows = [["序號", "INCI Name", "CAS No.", "含量(%)"]]
    for label, items in phases:
        rows.append([f"{label}相", "", "", ""])
        if label == "A":
            rows.append(["", "Water", "7732-18-5", "q.s."])
        for inci, v in items:
            rows.append(["", _disp(inci), CAS.get(inci) or "", _fmt(v)])
        rows.append(["", f"{label}相小計", "", _fmt(sum(v for _, v in items))])
    truth = {"WATER": water} | {n: v for _, items in phases for n, v in items}
    return HardCase(
        f"hard_{i:02d}_phase_headings.docx",
        to_docx(rows),
        _truth(truth),
        "medium",
        ["phase_headings", "zh_subtotals", "phase_order"],
    )


def case_ppm_range(rng: random.Random, i: int) -> HardCase:
    names = rng.sample(AQUEOUS + OILS, 5)
    values = _values(rng, names, 1.0, 5.0)
    ppm = rng.choice([50, 100, 200])
    rows: Rows = [["INCI Name", "CAS No.", "Conc."]]
    truth = dict(zip(names, values, strict=True))
    rows.append(["Water", "7732-18-5", "q.s."])
    for n, (inci, v) in enumerate(zip(names, values, strict=True)):
        text = f"{_fmt(v / 2)}-{_fmt(v)}%" if n == 1 else _fmt(v)
        rows.append([_disp(inci), CAS.get(inci) or "", text])
    rows.append(["Tocopherol", "10191-41-0", f"{ppm} ppm"])
    truth["TOCOPHEROL"] = ppm / 10000
    truth = {"WATER": round(100 - sum(truth.values()), 4)} | truth
    t = _truth(truth)
    for row in t:
        if row.inci_name == "TOCOPHEROL":
            row.cas = "10191-41-0"  # the document's alternative CAS, kept (not a mismatch)
    return HardCase(
        f"hard_{i:02d}_ppm_range.csv",
        to_csv(rows, encoding="utf-8-sig"),
        t,
        "medium",
        ["ppm", "range", "alternative_cas"],
    )


BUILDERS: list[Callable[[random.Random, int], HardCase]] = [
    case_workbook_xlsx,
    case_workbook_xls,
    case_two_row_header,
    case_big5_zh_only,
    case_zh_only_no_cas,
    lambda rng, i: case_fraction(rng, i, qs=False),
    lambda rng, i: case_fraction(rng, i, qs=True),
    case_blend_subrows,
    case_blend_indented,
    case_blend_shares_in_percent_column,
    case_blend_table_csv,
    case_blend_table_docx,
    case_blend_sheet,
    case_merged_xls,
    case_phase_pdf,
    case_phase_docx,
    case_ppm_range,
]


def generate_hard(rounds: int = 2, seed: int = 2026120120) -> list[HardCase]:
    """``rounds`` x every builder, deterministic for a seed."""
    rng = random.Random(seed)
    cases: list[HardCase] = []
    for _ in range(rounds):
        for builder in BUILDERS:
            cases.append(builder(rng, len(cases)))
    return cases
