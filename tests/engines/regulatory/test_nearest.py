"""Candidates for unidentified lines: the trigram-prefiltered search against the exhaustive one."""

from __future__ import annotations

import random

from app.engines.regulatory.engine import evaluate_formula
from app.engines.regulatory.findings import FormulaLine
from app.engines.regulatory.nearest import NearestNames
from app.schemas.product_description import ProductDescription
from tests.regulatory_corpus.runner import tw_checker

SAMPLE = 200


def _misspelt(name: str, rng: random.Random) -> str:
    """The name with one letter deleted or two neighbouring letters swapped."""
    i = rng.randrange(len(name) - 1)
    if rng.random() < 0.5:
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _nearest() -> NearestNames:
    nearest = tw_checker().nearest
    assert nearest is not None and len(nearest) > 28_000  # the shipped master and lists
    return nearest


def test_prefiltered_candidates_match_the_exhaustive_search_on_misspelt_master_names() -> None:
    nearest = _nearest()
    master = tw_checker().master
    assert master is not None
    rng = random.Random(18)
    names = rng.sample([n for n in master.inci_names if len(n) >= 4], SAMPLE)
    same_top, found, found_exhaustive = 0, 0, 0
    for name in names:
        typo = _misspelt(name, rng)
        fast, full = nearest.search(typo, limit=5), nearest.exhaustive(typo, limit=5)
        same_top += fast[:1] == full[:1]
        found += name in fast
        found_exhaustive += name in full
    assert same_top >= 0.99 * SAMPLE
    # The true name is among the five nearest wherever the exhaustive search puts it there
    # (a deleted letter can spell another master name: "SH-OLIGOPEPTIDE-83" -> "-8").
    assert found >= found_exhaustive >= 0.98 * SAMPLE


def test_candidates_of_names_the_master_does_not_know() -> None:
    nearest = _nearest()
    for name in [*(f"PEG-{n}" for n in range(4, 41)), "Cetearyl alcohol and ceteareth-20"]:
        assert nearest.search(name)[:1] == nearest.exhaustive(name)[:1], name
    assert nearest.search("") == () and nearest.search("  ") == ()
    assert nearest.search("Phenoxyethanl") == nearest.exhaustive("Phenoxyethanl")
    assert nearest.search("Phenoxyethanl")[0] == "PHENOXYETHANOL"


def test_a_name_known_under_two_spellings_is_one_candidate() -> None:
    nearest = NearestNames(["PHENOXYETHANOL", "Phenoxyethanol", "PHENOXYISOPROPANOL"])
    assert nearest.search("phenoxyethanl") == ("PHENOXYETHANOL", "PHENOXYISOPROPANOL")


def test_the_check_reports_the_indexed_candidates_and_caches_them() -> None:
    checker = tw_checker()
    assert checker.nearest is not None
    lines = [FormulaLine("Phenoxyethanl", None, 0.5), FormulaLine("GLYCERINN", None, 2.0)]
    product = ProductDescription(form="leave_on", areas=["face"])
    report = evaluate_formula(checker, product, lines)
    cands = [f.candidates for f in report.findings if f.kind == "unidentified"]
    assert cands == [
        list(checker.nearest.search("Phenoxyethanl")),
        ["GLYCERIN", "DIGLYCERIN", "THIOGLYCERIN"],
    ]
    assert checker.nearest.is_cached("phenoxyethanl") and not checker.nearest.is_cached("xyzzy")
    hits = checker.nearest.hits
    # a repeat is answered by the checker's per-name memo: the same report, no search at all
    assert evaluate_formula(checker, product, lines) == report
    assert checker.nearest.hits == hits
