"""Cramer classes (TTC, spec 06 §2.1) and the rules of the questions implemented."""

import pytest

from app.engines.safety import LineInput, assess_line, exposure_for
from app.engines.safety.cramer import cramer_class
from app.models.enums import Verdict
from app.schemas.product_description import ProductDescription

E = exposure_for(ProductDescription.model_validate({"form": "leave_on", "areas": ["body"]}))


@pytest.mark.parametrize(
    ("smiles", "expected", "decided_by"),
    [
        ("CC#CC(C)(C)C", "I", "Q5 yes"),  # Toxtree's own Q5 example
        ("CC(C)CC(C)(C)C", "I", "Q5 yes"),  # isooctane: acyclic aliphatic hydrocarbon
        ("CCCCCCCCCCCCCCCC", "I", "Q5 yes"),  # hexadecane
        ("CC#N", "III", "Q2 yes (cyano)"),  # acetonitrile
        ("CN(C)N=O", "III", "Q2 yes (N-nitroso)"),  # N-nitrosodimethylamine
        ("CCNCC", "III", "Q2 yes (aliphatic secondary amine)"),  # diethylamine
        ("C[N+](C)(C)C", "III", "Q2 yes (quaternary nitrogen)"),
        ("Clc1ccccc1", "III", "Q4 no"),  # chlorobenzene: covalent halogen
        ("CCCCCCCCCCCCOS(=O)(=O)[O-].[Na+]", "III", "Q6-Q33"),  # SLS: Q4 yes, then unresolved
        ("c1ccccc1", "III", "Q6-Q33"),  # not settled by the questions implemented
    ],
)
def test_known_classifications(smiles: str, expected: str, decided_by: str) -> None:
    result = cramer_class(smiles)
    assert result is not None and result.cls == expected
    assert any(step.startswith(decided_by) for step in result.path), result.path


def test_sodium_lauryl_sulfate_passes_q4_as_a_sulphate_salt() -> None:
    result = cramer_class("CCCCCCCCCCCCOS(=O)(=O)[O-].[Na+]")
    assert result is not None and "Q4 yes" in result.path and "Q3 yes" in result.path


@pytest.mark.parametrize("smiles", [None, "", "   ", "not a smiles"])
def test_no_structure_no_class(smiles: str | None) -> None:
    assert cramer_class(smiles) is None


def _ttc_line(smiles: str | None, conc: float, cramer: str | None = None) -> LineInput:
    return LineInput(
        line_id="x", inci="Fixture", concentration_pct=conc, smiles=smiles, cramer_class=cramer
    )


def test_class_i_structure_gets_the_class_i_threshold() -> None:
    # intake = 123.2 × C/100 × 0.5 × 1000 × 60 µg/day; C = 0.04 % → 1478 µg: under 1800, over 90
    hydrocarbon = assess_line(_ttc_line("CCCCCCCCCCCCCCCC", 0.04), E)
    assert hydrocarbon.verdict is Verdict.ACCEPTABLE and hydrocarbon.tier == "3"
    assert hydrocarbon.basis_label == "TTC screening (Cramer class I, below threshold)"
    unknown = assess_line(_ttc_line(None, 0.04), E)  # no structure: class III, 90 µg exceeded
    assert unknown.verdict is Verdict.DATA_GAP and unknown.primary_reason == "ttc_exceeded"
    aromatic = assess_line(_ttc_line("c1ccccc1", 0.04), E)
    assert aromatic.verdict is Verdict.DATA_GAP and "Cramer class III" in aromatic.basis_label


def test_a_given_class_is_not_overridden_by_the_classifier() -> None:
    given = assess_line(_ttc_line("CCCCCCCCCCCCCCCC", 0.04, cramer="III"), E)
    assert given.verdict is Verdict.DATA_GAP
