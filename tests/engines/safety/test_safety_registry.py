"""Computation-basis registry: code and data agree; every entry is cited; the appendix renders."""

import copy

import pytest

from app.engines.safety import RegistryMismatch, render_basis_appendix, verify_live_constants
from app.engines.safety.registry import LIVE_CONSTANTS, REQUIRED_FIELDS, load_registry


def test_live_constants_match_registry() -> None:
    verify_live_constants()


@pytest.mark.parametrize(
    ("key", "value"),
    [("mos_threshold", 50), ("tanimoto_threshold", 0.4), ("ttc_excluded_classes", ["metal"])],
)
def test_mismatch_fails(key: str, value: object) -> None:
    data = copy.deepcopy(load_registry())
    data["constants"][key]["value"] = value
    with pytest.raises(RegistryMismatch, match=key):
        verify_live_constants(data)


def test_missing_citation_fails() -> None:
    data = copy.deepcopy(load_registry())
    data["constants"]["read_across_af"]["citation"] = ""
    with pytest.raises(RegistryMismatch, match="read_across_af: registry entry lacks citation"):
        verify_live_constants(data)


def test_unknown_entry_fails() -> None:
    data = copy.deepcopy(load_registry())
    data["constants"]["surprise"] = {f: "x" for f in REQUIRED_FIELDS}
    with pytest.raises(RegistryMismatch, match="surprise"):
        verify_live_constants(data)


def test_every_entry_cited_and_versioned() -> None:
    data = load_registry()
    assert data["version"] and data["date"]
    assert set(data["constants"]) == set(LIVE_CONSTANTS)
    for entry in data["constants"].values():
        assert all(entry.get(f) not in (None, "") for f in REQUIRED_FIELDS)


def test_appendix_rows() -> None:
    rows = {r.key: r for r in render_basis_appendix()}
    assert rows["mos_threshold"].value == "100"
    assert rows["ttc_genotoxic_ug_person_day"].value == "0.15"
    assert rows["morgan_bits"].value == "2048"
    assert all(r.citation and r.reason for r in rows.values())
