"""Formula check over the real annexes plus TW fixtures (spec 04 §5, 06 §5-§6)."""

from __future__ import annotations

import math

from app.engines.regulatory import (
    CheckReport,
    FormulaLine,
    RegulatedEntry,
    RuleIndex,
    check_formula,
    parse_tw_rows,
    time_check_formula,
)
from app.engines.regulatory.limits import build_limits

TW_HEADER = [
    "list_type",
    "ref_no",
    "inci_name",
    "cas_numbers",
    "max_concentration_pct",
    "regulation",
]


def _kinds(report: CheckReport, ingredient: str) -> list[str]:
    return [f.kind for f in report.findings if f.ingredient == ingredient]


def _over(report: CheckReport) -> list[str]:
    return [f.ingredient for f in report.findings if f.kind == "over_limit"]


def test_methoxyethanol_prohibited_at_any_level(eu_index: RuleIndex) -> None:
    for conc in (0.0001, 5.0, None):
        report = check_formula(eu_index, "leave_on", "face", [("Methoxyethanol", "109-86-4", conc)])
        (finding,) = [f for f in report.findings if f.kind == "prohibited"]
        assert finding.severity == "critical" and finding.binding
        assert finding.reference.startswith("EU Annex II/")
        assert not report.summary.compliant


def test_phenoxyethanol_over_annex_v_limit(eu_index: RuleIndex) -> None:
    report = check_formula(eu_index, "leave_on", "face", [("PHENOXYETHANOL", "122-99-6", 1.2)])
    (finding,) = [f for f in report.findings if f.kind == "over_limit"]
    assert (finding.actual, finding.allowed, finding.severity) == (1.2, 1.0, "high")
    assert finding.citation.startswith("EU CosIng Annex V/29")
    ok = check_formula(eu_index, "leave_on", "face", [("PHENOXYETHANOL", "122-99-6", 0.9)])
    assert ok.summary.compliant and _over(ok) == []


def test_linalool_and_menthol_only_disclosure(eu_index: RuleIndex) -> None:
    report = check_formula(
        eu_index, "leave_on", "skin", [("LINALOOL", "78-70-6", 0.5), ("MENTHOL", None, 12.0)]
    )
    assert _over(report) == []
    for name in ("LINALOOL", "MENTHOL"):
        (disc,) = [f for f in report.findings if f.ingredient == name and f.kind == "disclosure"]
        assert disc.severity in ("low", "info") and disc.allowed == 0.001
    assert report.summary.compliant
    rinse = check_formula(eu_index, "rinse_off", "hair", [("LINALOOL", None, 0.005)])
    assert "disclosure" not in _kinds(rinse, "LINALOOL")  # below the 0.01 % rinse-off value


def test_thioglycolic_acid_by_product_type(eu_index: RuleIndex) -> None:
    def allowed(product_type: str | None) -> float | None:
        report = check_formula(
            eu_index, product_type, None, [("THIOGLYCOLIC ACID", "68-11-1", 50.0)]
        )
        (finding,) = [f for f in report.findings if f.kind == "over_limit"]
        return finding.allowed

    assert allowed("hair,leave_on") == 8.0
    assert allowed("hair,leave_on,professional") == 11.0
    assert allowed("depilatory") == 5.0
    assert allowed("hair,rinse_off") == 2.0
    assert allowed(None) == 2.0  # undetermined: strictest category


def test_thioglycolate_salt_matches_group(eu_index: RuleIndex) -> None:
    report = check_formula(eu_index, "depilatory", None, [("CALCIUM THIOGLYCOLATE", None, 6.0)])
    assert _over(report) == ["CALCIUM THIOGLYCOLATE"]


def _tw(rows: list[list[str]]) -> list[RegulatedEntry]:
    return parse_tw_rows([TW_HEADER, *rows])


def test_methyl_salicylate_tw_limit_met_makes_eu_advisory(
    eu_entries: list[RegulatedEntry],
) -> None:
    tw = _tw([["restricted", "TW-1", "Methyl Salicylate", "119-36-8", "1", "TFDA fixture"]])
    index = RuleIndex.build([*eu_entries, *tw])
    report = check_formula(index, "leave_on", "face", [("METHYL SALICYLATE", "119-36-8", 1.0)])
    (eu,) = [f for f in report.findings if f.kind == "over_limit"]
    assert eu.jurisdiction == "EU" and eu.binding is False and eu.allowed == 0.06
    assert report.summary.compliant
    over_tw = check_formula(index, "leave_on", "face", [("METHYL SALICYLATE", None, 1.5)])
    binding = [f for f in over_tw.findings if f.kind == "over_limit" and f.binding]
    assert {f.jurisdiction for f in binding} == {"TW", "EU"}
    assert not over_tw.summary.compliant


def test_false_negative_guard_without_tw_entry() -> None:
    parsed = build_limits("", "1 %", "")
    eu = RegulatedEntry(
        jurisdiction="EU", list_type="restricted", annex="III", ref_no="999",
        chemical_name="Fixture substance", inci_name="FIXTURE", cas_numbers=("50-00-0",),
        max_text="1 %", max_concentration_pct=parsed.max_concentration_pct,
        limits=parsed.limits, categories=parsed.categories, citation="EU fixture III/999",
    )  # fmt: skip
    report = check_formula(RuleIndex.build([eu]), "leave_on", "skin", [("FIXTURE", None, 5.0)])
    (finding,) = [f for f in report.findings if f.kind == "over_limit"]
    assert finding.binding and finding.severity == "high" and finding.allowed == 1.0
    assert finding.citation == "EU fixture III/999"
    assert not report.summary.compliant


def test_unknown_concentration_is_never_a_pass(eu_index: RuleIndex) -> None:
    report = check_formula(eu_index, "leave_on", "face", [("PHENOXYETHANOL", None, None)])
    (finding,) = [f for f in report.findings if f.kind == "condition" and f.severity == "high"]
    assert "unknown" in finding.message and not report.summary.compliant


def test_positive_list_function(eu_index: RuleIndex) -> None:
    lines = [
        FormulaLine("MADE-UP PRESERVATIVE", None, 0.1, "preservative"),
        FormulaLine("PHENOXYETHANOL", None, 0.5, "preservative"),
        FormulaLine("CI 77891", "13463-67-7", 1.0, "colorant"),
    ]
    report = check_formula(eu_index, "leave_on", "face", lines)
    missing = [f for f in report.findings if f.kind == "not_on_positive_list"]
    assert [f.ingredient for f in missing] == ["MADE-UP PRESERVATIVE"]
    assert missing[0].severity == "high" and missing[0].citation.startswith("EU CosIng Annex V")


def test_outside_permitted_use(eu_index: RuleIndex) -> None:
    # Annex IV 1 (CI 10006) is allowed in rinse-off products only.
    report = check_formula(eu_index, "leave_on", "face", [("CI 10006", "16143-80-9", 0.1)])
    assert any(f.kind == "condition" and f.severity == "high" for f in report.findings)
    ok = check_formula(eu_index, "rinse_off", "hair", [("CI 10006", "16143-80-9", 0.1)])
    assert ok.summary.compliant


def test_label_warnings_follow_category(eu_index: RuleIndex) -> None:
    report = check_formula(eu_index, "hair,leave_on", None, [("THIOGLYCOLIC ACID", None, 1.0)])
    (warning,) = [f for f in report.findings if f.kind == "label_warning"]
    assert warning.severity == "medium" and "Contains thioglycolate" in warning.message


def test_pathological_inputs_do_not_raise(eu_index: RuleIndex) -> None:
    lines: list[tuple[str, str | None, float | None]] = [
        ("", None, None), ("%%garbled%%", "not-a-cas", math.nan), ("AQUA", None, -3.0),
        ("AQUA", None, 1e9), ("PHENOXYETHANOL", "122-99-6", math.inf),
    ] + [("GLYCERIN", "56-81-5", 5.0)] * 1000  # fmt: skip
    report = check_formula(eu_index, "unknown thing", "??", lines)
    assert report.summary.total == len(report.findings)
    assert all(f.citation for f in report.findings)


def test_every_finding_cites_its_entry(
    eu_index: RuleIndex, eu_entries: list[RegulatedEntry]
) -> None:
    lines = [(e.inci_name or e.chemical_name, None, 0.5) for e in eu_entries[1700:1780]]
    report = check_formula(eu_index, None, None, lines)
    assert report.findings
    assert all(f.citation.startswith("EU CosIng Annex") for f in report.findings)
    assert sum(report.summary.counts.values()) == report.summary.total


def test_timing_helper_runs(eu_index: RuleIndex, eu_entries: list[RegulatedEntry]) -> None:
    lines = [(e.inci_name or e.chemical_name, None, 0.5) for e in eu_entries[1700:1740]]
    assert time_check_formula(eu_index, lines, repeat=1) >= 0.0  # not a timing assertion


def test_after_mixing_limit_needs_review(eu_index: RuleIndex) -> None:
    # Annex III 16 states its limit only as "after mixing under oxidative conditions".
    report = check_formula(eu_index, "hair", None, [("1-NAPHTHOL", "90-15-3", 1.0)])
    assert any(f.kind == "condition" and f.severity == "medium" for f in report.findings)
    assert _over(report) == []


def test_no_list_loaded_is_unknown_not_compliant() -> None:
    report = check_formula(RuleIndex.build([]), "leave_on", "face", [("PHENOXYETHANOL", None, 5.0)])
    assert report.findings == [] and report.summary.compliant is None
    assert "EU preservative" in report.summary.lists_missing
    assert report.summary.lists_checked == []


def test_summary_names_the_lists_checked(eu_index: RuleIndex) -> None:
    report = check_formula(eu_index, "leave_on", "face", [("GLYCERIN", "56-81-5", 5.0)])
    assert report.summary.compliant is True
    assert "EU prohibited" in report.summary.lists_checked
    assert "TW prohibited" in report.summary.lists_missing  # only the EU exports are loaded here
