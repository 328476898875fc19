"""Acceptance cases of the regulatory engine v2 (issue 12; spec 06 §3, §5, §6, §9)."""

from __future__ import annotations

import json

import pytest

from app.engines.regulatory import FormulaLine, RuleIndex
from app.engines.regulatory.engine import Checker, evaluate_formula
from app.engines.regulatory.findings import CheckReport
from app.engines.regulatory.product import product_tags
from app.engines.regulatory.restrictions import parse_restrictions
from app.engines.regulatory.ruledata import rule_data
from app.engines.regulatory.substances import normalize_cas_all, split_nano
from app.engines.regulatory.tw_list import parse_tw_rows
from app.models.enums import ProductCategory
from app.schemas.product_description import CATEGORY_DEFAULTS, ProductDescription
from tests.regulatory_corpus.runner import TW_HEADER, checker, eu_entries, master

FACE = ProductDescription(form="leave_on", areas=["face"])


def run(product: ProductDescription, *lines: FormulaLine, tw: str = "") -> CheckReport:
    return evaluate_formula(checker(tw), product, list(lines))


def blocking(report: CheckReport) -> list[str]:
    return [f.kind for f in report.findings if f.binding and f.severity in ("critical", "high")]


def test_spec_06_section_9_regulatory_cases() -> None:
    hg = run(FACE, FormulaLine("Mercuric chloride", "7487-94-7", 0.0001))
    assert hg.lines[0].status == "prohibited"
    assert "heavy-metal compound gate" in hg.findings[0].message
    for pct in (30, 40, 100):
        tio2 = run(FACE, FormulaLine("TITANIUM DIOXIDE", "13463-67-7", pct))
        over = [f for f in tio2.findings if f.kind == "over_limit"]
        assert tio2.lines[0].status == "non_compliant" and over[0].allowed == 25
        assert over[0].citation.startswith("EU CosIng Annex VI/27")
    assert run(FACE, FormulaLine("ESTRADIOL", "50-28-2", 0.0001)).lines[0].status == "prohibited"
    menthol = run(FACE, FormulaLine("MENTHOL", "89-78-1", 12))
    assert [f.kind for f in menthol.findings] == ["disclosure"]
    assert menthol.lines[0].status == "disclosure"


def test_issue_acceptance_blocking_and_not_blocking() -> None:
    spray = FACE.model_copy(update={"presentation": "propellant_spray"})
    under3 = ProductDescription(form="leave_on", areas=["body"], population="children_under_3")
    mouthwash = ProductDescription(form="rinse_off", areas=["oral"], kind="mouthwash")
    body = ProductDescription(form="leave_on", areas=["body"])
    nails = ProductDescription(
        form="leave_on", areas=["nails"], kind="artificial_nail_system", use="professional"
    )
    toothpaste = ProductDescription(form="rinse_off", areas=["oral"], kind="toothpaste")
    assert "restriction_violated" in blocking(run(spray, FormulaLine("ZINC OXIDE", "1314-13-2", 5)))
    assert blocking(run(under3, FormulaLine("SALICYLIC ACID", "69-72-7", 0.2)))
    assert "outside_permitted_use" in blocking(
        run(mouthwash, FormulaLine("TRICLOSAN", "3380-34-5", 0.2))
    )
    assert "outside_permitted_use" in blocking(run(body, FormulaLine("KOJIC ACID", "501-30-4", 1)))
    parabens = run(
        FACE,
        FormulaLine("PROPYLPARABEN", "94-13-3", 0.1, "preservative"),
        FormulaLine("BUTYLPARABEN", "94-26-8", 0.1, "preservative"),
    )
    (total,) = [f for f in parabens.findings if f.kind == "sum_over_limit"]
    assert total.lines == [1, 2] and total.contributors == ["PROPYLPARABEN", "BUTYLPARABEN"]
    assert total.allowed == 0.14 and total.basis == "acid"
    assert blocking(run(nails, FormulaLine("HYDROQUINONE", "123-31-9", 0.02))) == []
    naf = run(toothpaste, FormulaLine("SODIUM FLUORIDE", "7681-49-4", 0.32))
    assert blocking(naf) == []


def test_conversion_shows_both_amounts() -> None:
    toothpaste = ProductDescription(form="rinse_off", areas=["oral"], kind="toothpaste")
    report = run(toothpaste, FormulaLine("SODIUM FLUORIDE", "7681-49-4", 0.34))
    (over,) = [f for f in report.findings if f.kind == "over_limit"]
    assert over.actual == 0.34 and over.converted == pytest.approx(0.1538, abs=1e-4)
    assert over.basis == "F" and "IUPAC" in over.assumptions[0]
    factor, how = rule_data().factor("SODIUM FLUORIDE", "F") or (0.0, "")
    assert factor == pytest.approx(18.998 / 41.988, rel=1e-4) and "NaF" in how


def test_unidentified_lines_never_compliant_and_carry_candidates() -> None:
    for name in ("Phenoxyethanl", "Xyzzy", "Рhenoxyethanol", "Phen\u200boxyethanol", "Lilial"):
        report = run(FACE, FormulaLine(name, None, 0.5), FormulaLine("WATER", "7732-18-5", 90))
        assert report.summary.compliant is not True and report.summary.unidentified == 1
        assert report.lines[0].status == "unidentified" and report.lines[0].identified_as is None
    typo = run(FACE, FormulaLine("Phenoxyethanl", None, 0.5))
    assert "PHENOXYETHANOL" in typo.findings[0].candidates


def test_duplicates_are_summed_before_comparison() -> None:
    report = run(
        FACE,
        FormulaLine("PHENOXYETHANOL", "122-99-6", 0.6),
        FormulaLine("Phenoxyethanol", None, 0.6),
    )
    (over,) = [f for f in report.findings if f.kind == "over_limit"]
    assert over.actual == pytest.approx(1.2) and over.lines == [1, 2]
    assert [ln.total_concentration for ln in report.lines] == [pytest.approx(1.2)] * 2


def test_summary_honest_about_missing_tw_lists_and_true_only_when_all_loaded() -> None:
    clean = [FormulaLine("WATER", "7732-18-5", 90), FormulaLine("GLYCERIN", "56-81-5", 5)]
    eu_only = run(FACE, *clean)
    assert eu_only.summary.compliant is None
    assert any("TW" in r for r in eu_only.summary.reasons)
    rows = [
        ["prohibited", "P-1", "Bithionol", "97-18-7", "", "TFDA fixture"],
        ["restricted", "R-1", "Methyl Salicylate", "119-36-8", "1", "TFDA fixture"],
        ["preservative", "V-1", "Phenoxyethanol", "122-99-6", "1", "TFDA fixture"],
        ["colorant", "C-1", "CI 77891", "", "", "TFDA fixture"],
        ["uv_filter", "U-1", "Zinc Oxide", "1314-13-2", "25", "TFDA fixture"],
    ]
    tw = json.dumps(rows)
    assert run(FACE, *clean, tw=tw).summary.compliant is True
    assert run(FACE, *clean, FormulaLine("Xyzzy", None, 1), tw=tw).summary.compliant is False


def test_authority_hierarchy_with_fixture_tw_list() -> None:
    tw = json.dumps([["restricted", "TW-1", "Methyl Salicylate", "119-36-8", "1", "TFDA fixture"]])
    body = ProductDescription(form="leave_on", areas=["body"])
    met = run(body, FormulaLine("METHYL SALICYLATE", "119-36-8", 1.0), tw=tw)
    eu = [f for f in met.findings if f.jurisdiction == "EU" and f.kind == "over_limit"]
    assert eu and not eu[0].binding and eu[0].message.startswith("Advisory")
    assert met.lines[0].status == "advisory"
    exceeded = run(body, FormulaLine("METHYL SALICYLATE", "119-36-8", 1.1), tw=tw)
    assert exceeded.lines[0].status == "non_compliant"
    silent = run(FACE, FormulaLine("PHENOXYETHANOL", "122-99-6", 5), tw=tw)  # false-negative guard
    assert silent.lines[0].status == "non_compliant"
    banned = json.dumps([["restricted", "TW-2", "Estradiol", "50-28-2", "1", "TFDA fixture"]])
    assert run(FACE, FormulaLine("ESTRADIOL", "50-28-2", 0.0001), tw=banned).lines[0].status == (
        "prohibited"
    )


def test_nano_suffix_and_flag() -> None:
    assert split_nano("Zinc Oxide [nano]") == ("Zinc Oxide", True)
    assert split_nano("TITANIUM DIOXIDE (NANO)") == ("TITANIUM DIOXIDE", True)
    nano = run(FACE, FormulaLine("ZINC OXIDE", "1314-13-2", 10, "uv_filter", True))
    assert {f.reference for f in nano.findings if f.kind == "label_warning"} == {"EU Annex VI/30a"}
    assert nano.lines[0].is_nano and nano.lines[0].status != "non_compliant"
    assert any(f.kind == "nanomaterial" for f in nano.findings)  # review for the safety engine
    plain = run(FACE, FormulaLine("ZINC OXIDE", "1314-13-2", 10, "uv_filter"))
    assert "EU Annex VI/30a" not in {f.reference for f in plain.findings}


def test_cas_forms() -> None:
    for raw in ("7487-94-7", "7487947", "7487–94–7", "７４８７－９４－７", "0007487-94-7"):
        assert normalize_cas_all(raw) == ("7487-94-7",), raw
    assert normalize_cas_all("69-72-7 / 54-21-7") == ("69-72-7", "54-21-7")
    assert normalize_cas_all("7487-94-8") == ()


def test_restriction_parser_reads_the_annex_clauses() -> None:
    by_ref = {e.reference: e for e in eu_entries()}
    sal = by_ref["EU Annex V/3"]
    rules = {r.rule for r in parse_restrictions(sal.other_text, sal.warnings_text)}
    assert {"children", "oral", "inhalation"} <= rules
    zno = by_ref["EU Annex VI/30"]
    assert [r.rule for r in parse_restrictions(zno.other_text, zno.warnings_text)] == ["inhalation"]
    ipbc = by_ref["EU Annex V/56"]
    child = [r for r in parse_restrictions(ipbc.other_text) if r.rule == "children"]
    assert child[0].labels == ("(a)",) and "shampoo" in child[0].exceptions


def test_category_defaults_make_a_description() -> None:
    lip = ProductDescription.model_validate(CATEGORY_DEFAULTS[ProductCategory.LIP])
    assert "lip" in product_tags(lip)
    dye = ProductDescription.model_validate(CATEGORY_DEFAULTS[ProductCategory.HAIR_DYE])
    assert "hair_dye" in product_tags(dye)


def test_checker_builds_without_a_master() -> None:
    bare = Checker.build(RuleIndex.build(eu_entries()))
    report = evaluate_formula(bare, FACE, [FormulaLine("Xyzzy", None, 1)])
    assert report.lines[0].status == "unidentified"
    assert master().resolve("水楊酸", ()) is not None
    assert parse_tw_rows([TW_HEADER, ["restricted", "X", "A", "", "1", "r"]])
