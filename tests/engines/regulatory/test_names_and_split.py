"""Chinese names of the TFDA lists, lines naming two substances, TW group totals (issues 12, 19)."""

from __future__ import annotations

import pytest

from app.engines.regulatory import FormulaLine
from app.engines.regulatory.engine import evaluate_formula
from app.engines.regulatory.split import split_substances
from app.engines.regulatory.zh_names import chinese_names
from app.schemas.product_description import ProductDescription
from tests.regulatory_corpus.runner import tw_checker, tw_entries

FACE = ProductDescription.model_validate({"form": "leave_on", "areas": ["face"]})


@pytest.mark.parametrize(
    ("chemical_name", "expected"),
    [
        ("Arsenolite（信石）", ("信石",)),  # full-width brackets, NFKC
        ("Euphorbia lathyris L. (續隨子;千金子)", ("續隨子", "千金子")),
        ("Dioscorea hispida Dennst. (白薯茛(大苦薯))", ("白薯茛(大苦薯)", "白薯茛", "大苦薯")),
        (
            "Rauwolfia serpentina L., alkaloids and their salts(蛇根木,生物鹼及其鹽類)",
            ("蛇根木,生物鹼及其鹽類", "蛇根木"),
        ),
        ("Convallaria majalis L. (Convallaria keiskei Miq.) (鈴蘭)", ("鈴蘭",)),
        ("Bithionol", ()),
        ("牛海綿狀腦病(Bovine Spongiform Encephalopathy)發生國家之牛、羊組織製成之原料", ()),
        ("Aluminum sesquichlorohydrate及其衍生物", ()),  # no name in brackets
    ],
)
def test_chinese_names_of_a_tfda_row(chemical_name: str, expected: tuple[str, ...]) -> None:
    assert chinese_names(chemical_name) == expected


def test_every_chinese_name_of_the_shipped_lists_identifies_its_entry() -> None:
    checker = tw_checker()
    rows = [(e, n) for e in tw_entries() for n in chinese_names(e.chemical_name)]
    assert len({e.reference for e, _ in rows}) >= 45  # the rows of the real prohibited list
    for entry, name in rows:
        report = evaluate_formula(checker, FACE, [FormulaLine(name, None, 0.1)])
        refs = {f.reference for f in report.findings if f.kind == "prohibited"}
        assert entry.reference in refs, (name, entry.reference, report.findings)
        assert any(name in a and entry.reference in a for a in report.summary.assumptions)


def test_chinese_name_with_cas_reaches_the_eu_entry_too() -> None:
    report = evaluate_formula(tw_checker(), FACE, [FormulaLine("黃樟素", None, 0.01)])
    refs = {f.reference for f in report.findings if f.kind == "prohibited"}
    assert refs == {"TW TFDA 化粧品禁止使用成分表 no. 309", "EU Annex II/360"}  # via CAS 94-59-7
    assert report.lines[0].status == "prohibited"


def test_unknown_chinese_name_is_an_explicit_unidentified_finding() -> None:
    report = evaluate_formula(tw_checker(), FACE, [FormulaLine("龍膽酚醯胺", None, 0.5)])
    assert report.summary.compliant is False and report.summary.unidentified == 1
    (finding,) = [f for f in report.findings if f.kind == "unidentified"]
    assert "Chinese name" in finding.message and "TFDA" in finding.message
    assert report.lines[0].status == "unidentified"


def test_hydroquinone_written_in_chinese_is_prohibited_on_a_face_product() -> None:
    """EU Annex II/1339 hydroquinone (allowed only as Annex III/14, professional nail systems);
    the Chinese name resolves through app/data/names/zh_names.csv, which cites its source."""
    for name in ("對苯二酚", "氫醌"):
        report = evaluate_formula(tw_checker(), FACE, [FormulaLine(name, None, 0.5)])
        assert report.summary.compliant is False and report.lines[0].status == "prohibited"
        assert "EU Annex II/1339" in {f.reference for f in report.findings}


KNOWN = {"methylparaben", "propylparaben", "glycerin", "bithionol"}


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Methylparaben / Propylparaben", ("Methylparaben", "Propylparaben")),
        ("Methylparaben + Propylparaben", ("Methylparaben", "Propylparaben")),
        ("Methylparaben and Propylparaben", ("Methylparaben", "Propylparaben")),
        ("Methylparaben & Xyzzy", ("Methylparaben", "Xyzzy")),  # spaced: split even if unknown
        ("Glycerin/Bithionol", ("Glycerin", "Bithionol")),  # bare slash, both parts known
        ("VP/VA Copolymer", ()),  # bare slash, parts unknown: one INCI name
        ("Glycerin (and) Water", ()),  # INCI mixture name
        ("Glycerin", ()),
    ],
)
def test_split_substances(name: str, parts: tuple[str, ...]) -> None:
    assert split_substances(name, lambda n: n.casefold() in KNOWN) == parts


def test_entry_wording_and_cas_lines_are_not_split_into_unknown_parts() -> None:
    known = lambda n: n.casefold() in KNOWN  # noqa: E731
    assert split_substances("5-Hydroxy-1,4-benzodioxane and its salts", known) == ()
    # a CAS names one substance: split only when every part is known
    assert split_substances("Methylparaben & Xyzzy", known, strict=True) == ()
    assert split_substances("Glycerin / Bithionol", known, strict=True) == ("Glycerin", "Bithionol")


def test_a_split_line_checks_every_part_and_keeps_one_line_result() -> None:
    lines = [FormulaLine("Phenoxyethanol + Bithionol", None, 0.5), FormulaLine("Water", None, 90)]
    report = evaluate_formula(tw_checker(), FACE, lines)
    assert [r.line for r in report.lines] == [1, 2]
    assert report.lines[0].ingredient == "Phenoxyethanol + Bithionol"
    assert report.lines[0].status == "prohibited"
    assert report.lines[0].identified_as == "PHENOXYETHANOL + Bithionol"  # master + TW entry
    flagged = [f for f in report.findings if f.kind == "condition" and f.lines == [1]]
    assert flagged and flagged[0].binding and "one line per substance" in flagged[0].message
    assert report.summary.compliant is False


def test_a_split_line_of_permitted_parts_still_cannot_be_compliant() -> None:
    report = evaluate_formula(tw_checker(), FACE, [FormulaLine("Glycerin + Water", None, 5)])
    assert report.summary.compliant is False
    assert report.lines[0].status == "review"


def test_tw_group_total_cites_its_entry_and_names_every_line() -> None:
    lines = [
        FormulaLine("Sodium fluoride", "7681-49-4", 0.2),
        FormulaLine("Sodium monofluorophosphate", "10163-15-2", 0.6),
    ]
    paste = ProductDescription.model_validate(
        {"form": "rinse_off", "areas": ["oral"], "kind": "toothpaste"}
    )
    report = evaluate_formula(tw_checker(), paste, lines)
    (tw,) = [f for f in report.findings if f.kind == "sum_over_limit" and f.jurisdiction == "TW"]
    assert tw.binding and tw.allowed == 0.15 and tw.basis == "F" and tw.lines == [1, 2]
    assert tw.actual is not None and tw.actual > 0.15
    assert "化粧品成分使用限制表" in tw.citation
    # the clause is evaluated, so it is no longer a condition left to review
    assert not [f for f in report.findings if f.kind == "condition" and f.jurisdiction == "TW"]


def test_tw_group_limit_follows_the_product_category() -> None:
    """TFDA 化粧品成分使用限制表 no. 31: 2.5 % rinse-off hair, 0.5 % leave-on face (combined)."""
    lines = [
        FormulaLine("Cetrimonium chloride", "112-02-7", 0.4, "hair conditioning"),
        FormulaLine("Steartrimonium chloride", "112-03-8", 0.4, "hair conditioning"),
    ]
    rinse = ProductDescription.model_validate({"form": "rinse_off", "areas": ["hair"]})
    assert evaluate_formula(tw_checker(), rinse, lines).summary.blocking == 0
    face = evaluate_formula(tw_checker(), FACE, lines)
    (total,) = [f for f in face.findings if f.kind == "sum_over_limit"]
    assert total.allowed == 0.5 and total.reference == "TW TFDA 化粧品成分使用限制表 no. 31"


def test_tw_hydroxides_count_as_sodium_hydroxide_only_in_waving_products() -> None:
    """TFDA no. 34/35 (a): limits 以Sodium hydroxide之重量計, mixtures summed; (b) nails: 5 %."""
    waving = ProductDescription.model_validate(
        {"form": "rinse_off", "areas": ["hair"], "kind": "hair_waving_straightening"}
    )
    one = evaluate_formula(
        tw_checker(), waving, [FormulaLine("Lithium hydroxide", "1310-65-2", 1.5)]
    )
    (total,) = [f for f in one.findings if f.kind == "sum_over_limit"]
    assert total.basis == "NaOH" and total.converted is not None
    assert total.converted == pytest.approx(1.5 * 39.997 / 23.947, rel=1e-3)  # mole for mole
    assert "mole for mole" in " ".join(total.assumptions)
    nails = ProductDescription.model_validate({"form": "leave_on", "areas": ["nails"]})
    cuticle = evaluate_formula(
        tw_checker(), nails, [FormulaLine("Sodium hydroxide", "1310-73-2", 3)]
    )
    assert not [f for f in cuticle.findings if f.kind == "sum_over_limit"]


def test_chinese_name_of_the_sourced_dictionary_is_identified_and_says_so() -> None:
    """純化水 is not in the ingredient master; app/data/names/zh_names.csv reads it as WATER."""
    report = evaluate_formula(tw_checker(), FACE, [FormulaLine("純化水", None, 90)])
    assert report.lines[0].identified_as == "WATER" and report.summary.unidentified == 0
    assert any("純化水" in a and "WATER" in a for a in report.summary.assumptions)
