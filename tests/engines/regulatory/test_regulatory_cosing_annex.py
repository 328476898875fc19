"""Parser tests over the real CosIng exports and small synthetic files."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from app.engines.regulatory import AnnexFormatError, RegulatedEntry, parse_annex_file
from app.engines.regulatory.cosing_annex import parse_annex_rows
from app.engines.regulatory.textparse import split_disclosure


def annex_path(cosing_dir: Path, annex: str) -> Path:
    return cosing_dir / f"COSING_Annex_{annex}_v2.txt"


def by_ref(entries: list[RegulatedEntry], ref: str) -> RegulatedEntry:
    found = [e for e in entries if e.ref_no == ref]
    assert len(found) == 1, f"expected one entry {ref}, got {len(found)}"
    return found[0]


EXPECTED = {"II": 1744, "III": 373, "IV": 154, "V": 57, "VI": 34}
LIST_TYPES = {
    "II": "prohibited",
    "III": "restricted",
    "IV": "colorant",
    "V": "preservative",
    "VI": "uv_filter",
}
_PCT = re.compile(r"\d+(?:[.,]\d+)?\s*%")


def _limits(entry: RegulatedEntry) -> dict[str, float]:
    return {lim.category_label: lim.max_pct for lim in entry.limits}


def test_row_counts_and_annex_recognition(annexes: dict[str, list[RegulatedEntry]]) -> None:
    for annex, count in EXPECTED.items():
        entries = annexes[annex]
        assert len(entries) == count
        assert {e.annex for e in entries} == {annex}
        assert {e.list_type for e in entries} == {LIST_TYPES[annex]}
        assert all(e.jurisdiction == "EU" and e.citation for e in entries)


def test_row_count_matches_csv_reader(cosing_dir: Path) -> None:
    for annex, count in EXPECTED.items():
        with annex_path(cosing_dir, annex).open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))[5:]
        assert sum(1 for r in rows if any(c.strip() for c in r)) == count


def test_thioglycolic_acid_limits(annexes: dict[str, list[RegulatedEntry]]) -> None:
    entry = by_ref(annexes["III"], "2a")
    assert entry.cas_numbers == ("68-11-1",)
    assert entry.is_group and entry.group_terms == ("salts",)
    assert _limits(entry) == {"(a)(i)": 8.0, "(a)(ii)": 11.0, "(b)": 5.0, "(c)": 2.0, "(d)": 11.0}
    scopes = {lim.category_label: lim.scopes for lim in entry.limits}
    assert scopes["(a)(ii)"] == {"hair", "professional"}
    assert scopes["(b)"] == {"depilatory"}
    assert scopes["(c)"] == {"hair", "rinse_off"}
    assert entry.max_concentration_pct is None  # several category limits, none unconditional
    esters = by_ref(annexes["III"], "2b")
    assert _limits(esters) == {"(a)": 8.0, "(b)": 11.0}
    assert "professional" in {lim.category_label: lim.scopes for lim in esters.limits}["(b)"]


def test_methyl_salicylate_categories(annexes: dict[str, list[RegulatedEntry]]) -> None:
    entry = by_ref(annexes["III"], "324")
    limits = _limits(entry)
    assert len(limits) == 14
    assert limits["(a)"] == 0.06 and limits["(c)"] == 0.002 and limits["(k)"] == 2.52
    assert limits["(i)"] == 0.6  # ninth category, not a roman sub-label
    assert (entry.disclosure_leave_on_pct, entry.disclosure_rinse_off_pct) == (0.001, 0.01)


def test_propylidenephthalide_real_limit_survives(annexes: dict[str, list[RegulatedEntry]]) -> None:
    entry = by_ref(annexes["III"], "175")
    assert _limits(entry) == {"(b)": 0.01}
    assert (entry.disclosure_leave_on_pct, entry.disclosure_rinse_off_pct) == (0.001, 0.01)


def test_fragrance_allergens_have_no_limit(annexes: dict[str, list[RegulatedEntry]]) -> None:
    for ref in ("84", "88", "338"):
        entry = by_ref(annexes["III"], ref)
        assert entry.max_concentration_pct is None and entry.limits == ()
        assert (entry.disclosure_leave_on_pct, entry.disclosure_rinse_off_pct) == (0.001, 0.01)
    limonene = by_ref(annexes["III"], "88")
    assert limonene.cas_numbers == ("138-86-3", "7705-14-8", "5989-27-5", "5989-54-8")


def test_disclosure_clause_per_row(annexes: dict[str, list[RegulatedEntry]]) -> None:
    """Values inside a disclosure clause never become limits; values before it stay."""
    rows = 0
    for entry in annexes["III"]:
        other_before, other_clause = split_disclosure(entry.other_text)
        max_before, max_clause = split_disclosure(entry.max_text)
        if not (other_clause or max_clause):
            continue
        rows += 1
        assert (entry.disclosure_leave_on_pct, entry.disclosure_rinse_off_pct) == (0.001, 0.01)
        before_values = {
            round(float(v.rstrip("% ").replace(",", ".")), 10)
            for v in _PCT.findall(max_before + "\n" + other_before)
        }
        if not before_values:
            assert entry.max_concentration_pct is None, entry.ref_no
            assert entry.limits == (), entry.ref_no
        else:
            assert entry.limits, entry.ref_no
            assert {lim.max_pct for lim in entry.limits} <= before_values, entry.ref_no
            if entry.max_concentration_pct is not None:
                assert entry.max_concentration_pct in before_values
    assert rows >= 80  # 81 rows carry the clause in the 31/10/2025 export


def test_single_unconditional_limit(annexes: dict[str, list[RegulatedEntry]]) -> None:
    phenoxy = by_ref(annexes["V"], "29")
    assert phenoxy.max_concentration_pct == 1.0
    benzophenone = by_ref(annexes["VI"], "3")
    assert benzophenone.max_concentration_pct == 7.34  # written "7,34 %"
    assert by_ref(annexes["III"], "312").max_concentration_pct == 0.001  # "0,001 %"
    assert by_ref(annexes["III"], "60").limits == ()  # purity spec, not a product limit


def test_annex_ii_and_placeholders(annexes: dict[str, list[RegulatedEntry]]) -> None:
    entry = next(e for e in annexes["II"] if "109-86-4" in e.cas_numbers)
    assert entry.limits == () and entry.citation.startswith(f"EU CosIng Annex II/{entry.ref_no}")
    assert "export 31/10/2025" in entry.citation
    assert all("-" not in (e.inci_name, e.product_type_text) for e in annexes["III"])
    assert by_ref(annexes["III"], "2b").cas_numbers == ()  # "-" placeholder


def test_annex_iv_shifted_columns(annexes: dict[str, list[RegulatedEntry]]) -> None:
    rinse_only = by_ref(annexes["IV"], "1")
    assert rinse_only.product_type_text == "Rinse-off product"
    assert rinse_only.categories[0].scopes == {"rinse_off"}
    assert by_ref(annexes["IV"], "9").max_concentration_pct == 3.0
    lip = by_ref(annexes["IV"], "77")
    assert lip.max_concentration_pct == 1.0


def test_content_hash_is_stable(cosing_dir: Path, annexes: dict[str, list[RegulatedEntry]]) -> None:
    again = parse_annex_file(annex_path(cosing_dir, "V"))
    assert [e.content_hash() for e in again] == [e.content_hash() for e in annexes["V"]]
    assert len({e.content_hash() for e in annexes["V"]}) == len(annexes["V"])


def _synthetic(title: str, header: list[str], rows: list[list[str]]) -> list[list[str]]:
    return [
        ["File creation date: 11/11/2025"],
        [title, "Last update: 01/02/2026"],
        ["X"],
        ["Y"],
        header,
        *rows,
    ]


def test_synthetic_file_and_errors() -> None:
    header = ["Reference Number", "Chemical name / INN", "CAS Number", "EC Number", "Update Date"]
    rows = _synthetic(
        "ANNEX II",
        header,
        [["1", "Foo and its salts", "50-00-0\n-", "-", "bad"], ["", "", "", "", ""]],
    )
    (entry,) = parse_annex_rows(rows)
    assert entry.list_type == "prohibited" and entry.is_group and entry.updated_on is None
    assert entry.citation == "EU CosIng Annex II/1, Reg. (EC) 1223/2009, export 01/02/2026"
    with pytest.raises(AnnexFormatError):
        parse_annex_rows([["nothing"]])
    with pytest.raises(AnnexFormatError):
        parse_annex_rows(_synthetic("LIST", header, []))
