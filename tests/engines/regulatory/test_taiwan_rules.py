"""TFDA rows read into rules (issue 19 items 3-5): NFKC, zh-TW clauses, prohibited-list conditions,
colorants by CI number, every row accounted for, markets and the compare report. Real rows only."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import pytest

from app.engines.regulatory.compare import compare
from app.engines.regulatory.engine import Checker, _applicable_limit, evaluate_formula
from app.engines.regulatory.findings import CheckReport, FormulaLine
from app.engines.regulatory.index import RuleIndex
from app.engines.regulatory.models import RegulatedEntry
from app.engines.regulatory.product import product_tags
from app.engines.regulatory.tw_text import basis, entry_rules, parse_tw_clauses
from app.schemas.product_description import ProductDescription
from tests.regulatory_corpus.runner import (
    TW_FILES,
    eu_entries,
    master,
    tfda_dir,
    tw_checker,
    tw_entries,
)

FACE: dict[str, Any] = {"form": "leave_on", "areas": ["face"]}
HAIR_DYE: dict[str, Any] = {"form": "rinse_off", "areas": ["hair", "scalp"], "kind": "hair_dye"}


def entry(list_type: str, ref: str) -> RegulatedEntry:
    return next(e for e in tw_entries() if e.list_type == list_type and e.ref_no == ref)


def check(
    lines: list[FormulaLine], product: Mapping[str, Any] = FACE, markets: tuple[str, ...] = ("TW",)
) -> CheckReport:
    return evaluate_formula(tw_checker(), ProductDescription(**product), lines, markets)


def tw_kinds(report: CheckReport) -> set[tuple[str, str, bool]]:
    return {(f.reference, f.kind, f.binding) for f in report.findings if f.jurisdiction == "TW"}


def _compat(text: str) -> bool:
    return any(0xF900 <= ord(c) <= 0xFAFF or 0x2F800 <= ord(c) <= 0x2FA1F for c in text)


def test_counts_and_nfkc_of_compatibility_ideographs() -> None:
    counts = {t: sum(1 for e in tw_entries() if e.list_type == t) for t in TW_FILES}
    assert counts == {
        "prohibited": 659,
        "restricted": 186,
        "preservative": 57,
        "colorant": 152,
        "uv_filter": 27,
    }
    raw = {}
    for name in ("prohibited", "restricted"):
        with (tfda_dir() / f"{name}.csv").open(encoding="utf-8") as fh:
            raw[name] = sum(1 for row in csv.DictReader(fh) if any(map(_compat, row.values())))
    assert raw == {"prohibited": 54, "restricted": 8}  # as the source README says
    for e in tw_entries():
        for text in (e.chemical_name, e.other_text, e.max_text, e.product_type_text):
            assert unicodedata.normalize("NFKC", text) == text and not _compat(text), e.reference


def test_every_row_yields_rules_or_a_reported_condition() -> None:
    with_rules = with_conditions = 0
    silent: list[str] = []
    for e in tw_entries():
        got = entry_rules(e)
        with_rules += bool(got.rules)
        with_conditions += bool(got.conditions)
        if not got.rules and not got.conditions:
            silent.append(e.reference)
    assert silent == []
    assert with_rules == 1081
    assert with_conditions > 0


# --- zh-TW patterns, one real row each ------------------------------------------------------


def test_calculated_as() -> None:
    assert basis(entry("restricted", "40").max_text) == "F"  # 0.15%(以F計)
    assert basis(entry("preservative", "4").max_text) == "acid"  # 0.5 % (以acid計)
    assert basis(entry("preservative", "2").max_text) == "benzalkonium chloride"


def test_per_use_limits_by_category() -> None:
    urea = entry("restricted", "5")  # (a)染髮產品(b)其他產品 / (a)10%(b)5%
    dye = product_tags(ProductDescription(**HAIR_DYE))
    face = product_tags(ProductDescription(**FACE))
    assert _applicable_limit(urea, dye)[0] == 10
    assert _applicable_limit(urea, face)[0] == 5


@pytest.mark.parametrize(
    ("list_type", "ref", "rule", "age"),
    [
        ("preservative", "10", "spray", None),  # 不得使用於噴霧類產品。
        ("preservative", "11", "mucous", None),  # 不得使用於接觸黏膜部位產品。
        ("preservative", "20", "children", 10),  # (a)不得使用於10歲以下孩童之產品。
        ("restricted", "62", "children", 3),  # 不得使用於三歲以下孩童
        ("preservative", "32", "nappy", 3),  # 不得使用於三歲以下孩童使用於尿布部位之…
        ("restricted", "163", "professional", None),  # 限由領有…美髮技術士人員對消費者使用
        ("preservative", "48", "only_in", None),  # 限使用於立即沖洗產品
        ("colorant", "1", "only_in", None),  # 第4類:限用於用後立即洗去之化粧品
        ("colorant", "3", "eye", None),  # 第2類:限用於非接觸眼部周圍之化粧品
        ("colorant", "2", "mucous", None),  # 第3類:限用於非接觸黏膜之化粧品
    ],
)
def test_zh_clauses_become_restrictions(
    list_type: str, ref: str, rule: str, age: int | None
) -> None:
    e = entry(list_type, ref)
    got = parse_tw_clauses(e.other_text, e.product_type_text).restrictions
    hit = [r for r in got if r.rule == rule]
    assert hit, (e.other_text, e.product_type_text, got)
    assert hit[0].age == age


def test_exception_in_a_not_to_be_used_clause() -> None:
    # 除洗髮產品外,不得使用於三歲以下孩童之產品 (salicylic acid, restricted 178)
    e = entry("restricted", "178")
    (r,) = [x for x in parse_tw_clauses(e.other_text).restrictions if x.rule == "children"]
    baby_shampoo = frozenset({"rinse_off", "hair", "children"})
    assert r.age == 3 and not r.violated(baby_shampoo)
    assert r.violated(frozenset({"leave_on", "body", "skin", "children"}))


def test_restriction_breaks_the_check() -> None:
    spray = {**FACE, "presentation": "pump_spray"}
    report = check([FormulaLine("Chlorobutanol", "57-15-8", 0.3, "preservative")], spray)
    ref = entry("preservative", "10").reference
    assert (ref, "restriction_violated", True) in tw_kinds(report)
    baby = check(
        [FormulaLine("Salicylic acid", "69-72-7", 1.0)], {**FACE, "population": "children_under_3"}
    )
    assert any(k == "restriction_violated" and b for _, k, b in tw_kinds(baby))


def test_warning_to_print_is_a_label_warning() -> None:
    # 使用時避免接觸眼睛。 (benzalkonium chloride, preservative 2)
    report = check([FormulaLine("Benzalkonium chloride", "8001-54-5", 0.05, "preservative")])
    warning = [f for f in report.findings if f.kind == "label_warning" and f.jurisdiction == "TW"]
    assert warning and "使用時避免接觸眼睛" in warning[0].message


def test_unreadable_clause_is_kept_verbatim_as_a_condition() -> None:
    e = entry("restricted", "74")  # 不得與亞硝基化劑一起使用;亞硝胺限量:…;應置於無亞硝基酸鹽之容器
    report = check([FormulaLine(e.inci_name, e.cas_numbers[0], 0.5)], HAIR_DYE)
    texts = [
        f.message for f in report.findings if f.kind == "condition" and f.reference == e.reference
    ]
    assert any("不得與亞硝基化劑一起使用" in t for t in texts)
    assert any("應置於無亞硝基酸鹽之容器" in t for t in texts)
    assert report.lines[0].status in ("review", "non_compliant")


# --- prohibited-list conditions ---------------------------------------------------------------


def test_trace_residue_allowance_is_not_a_permission() -> None:
    report = check([FormulaLine("Mercury", "7439-97-6", 0.00005)])  # 0.5 ppm, under the 1 ppm
    ban = [f for f in report.findings if f.reference == entry("prohibited", "1").reference]
    assert ban and ban[0].kind == "prohibited" and ban[0].binding
    assert "impurity limit" in ban[0].message


def test_hair_dye_only_entries_250_to_298_and_621_to_645() -> None:
    hair_dye_only = [
        e
        for e in tw_entries()
        if e.list_type == "prohibited" and "不得使用於染髮用途" in e.other_text
    ]
    refs = {int(e.ref_no) for e in hair_dye_only}
    assert {621, 645, 250, 298} <= refs
    for e in hair_dye_only[:: max(1, len(hair_dye_only) // 10)]:
        if not e.cas_numbers:
            continue
        line = [FormulaLine(e.chemical_name, e.cas_numbers[0], 0.1)]
        assert (e.reference, "prohibited", True) in tw_kinds(check(line, HAIR_DYE))
        assert (e.reference, "condition", False) in tw_kinds(check(line, FACE))


def test_per_use_limit_inside_the_ban() -> None:
    # 使用於染髮、燙髮產品中,用作Hydrogen peroxide 之安定劑不得超過0.03%(以base計)
    ref = entry("prohibited", "12").reference
    ok = check([FormulaLine("Hydroxy-8-quinoline", "148-24-3", 0.02)], HAIR_DYE)
    assert (ref, "condition", True) in tw_kinds(ok)
    over = check([FormulaLine("Hydroxy-8-quinoline", "148-24-3", 0.05)], HAIR_DYE)
    assert (ref, "over_limit", True) in tw_kinds(over)
    face = check([FormulaLine("Hydroxy-8-quinoline", "148-24-3", 0.02)])
    assert (ref, "prohibited", True) in tw_kinds(face)


def test_exception_pointing_to_another_list() -> None:
    # 6-Methylcoumarin: prohibited no. 15 "口腔製劑另有規定者除外"; restricted no. 63 0.003 %
    ban, other = entry("prohibited", "15").reference, entry("restricted", "63").reference
    line = [FormulaLine("6-Methylcoumarin", "92-48-8", 0.002)]
    oral = check(line, {"form": "rinse_off", "areas": ["oral"], "kind": "toothpaste"})
    assert not any(r == ban for r, _, _ in tw_kinds(oral))
    over = check(
        [FormulaLine("6-Methylcoumarin", "92-48-8", 0.004)],
        {"form": "rinse_off", "areas": ["oral"], "kind": "toothpaste"},
    )
    assert (other, "over_limit", True) in tw_kinds(over)
    assert (ban, "prohibited", True) in tw_kinds(check(line))


def test_hair_dye_exception_is_a_condition_to_review() -> None:
    # H2O2: prohibited no. 36 "使用於染髮、燙髮及牙齒美白產品當氧化劑除外"
    ban = entry("prohibited", "36").reference
    dye = check([FormulaLine("Hydrogen peroxide", "7722-84-1", 6)], HAIR_DYE)
    assert (ban, "prohibited", True) not in tw_kinds(dye)
    assert (ban, "condition", True) in tw_kinds(dye)
    face = check([FormulaLine("Hydrogen peroxide", "7722-84-1", 3)])
    assert (ban, "prohibited", True) in tw_kinds(face)


# --- colorants by CI number -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["CI 10006", "C.I. 10006", "CI10006", "Pigment Green 8"])
def test_colorant_by_ci_number_or_other_name_and_its_class(name: str) -> None:
    ref = entry("colorant", "1").reference  # 第4類: rinse-off only
    leave_on = check([FormulaLine(name, None, 0.1, "colorant")])
    assert any(r == ref and b for r, _, b in tw_kinds(leave_on))
    rinse = check(
        [FormulaLine(name, None, 0.1, "colorant")], {"form": "rinse_off", "areas": ["body"]}
    )
    assert not any(r == ref for r, _, _ in tw_kinds(rinse))


def test_colorant_not_near_the_eyes() -> None:
    ref = entry("colorant", "3").reference  # 第2類: 限用於非接觸眼部周圍之化粧品
    eye = check([FormulaLine("CI 10316", None, 0.1)], {"form": "leave_on", "areas": ["eye_area"]})
    assert {k for r, k, b in tw_kinds(eye) if r == ref and b} & {
        "restriction_violated",
        "outside_permitted_use",
    }
    assert not any(r == ref for r, _, _ in tw_kinds(check([FormulaLine("CI 10316", None, 0.1)])))


# --- markets and the summary ------------------------------------------------------------------


@lru_cache(maxsize=1)
def eu_only_checker() -> Checker:
    return Checker.build(RuleIndex.build(eu_entries()), master())


def test_compliant_needs_the_binding_markets_lists() -> None:
    water = [FormulaLine("Water", "7732-18-5", 100)]
    desc = ProductDescription(**FACE)
    tw_market = evaluate_formula(eu_only_checker(), desc, water, ("TW",))
    assert (
        tw_market.summary.compliant is None and "TW prohibited" in tw_market.summary.lists_missing
    )
    eu_market = evaluate_formula(eu_only_checker(), desc, water, ("EU",))
    assert eu_market.summary.compliant is True
    both = evaluate_formula(eu_only_checker(), desc, water, ("TW", "EU"))
    assert both.summary.compliant is None
    full = check(water)
    assert full.summary.compliant is True and full.summary.binding_jurisdictions == ["TW"]


def test_compare_finds_the_tested_pairs() -> None:
    result = compare([*eu_entries(), *tw_entries()])
    higher = {(r.tw_reference, r.eu_reference) for r in result.rows if r.kind == "tw_limit_higher"}
    assert (entry("restricted", "9").reference, "EU Annex III/375") in higher  # kojic acid
    assert (entry("preservative", "39").reference, "EU Annex V/28") in higher  # PHMB
    assert (entry("preservative", "14").reference, "EU Annex V/32") in higher  # climbazole
    assert result.count("prohibited_tw_only") > 0
