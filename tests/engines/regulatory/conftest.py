"""Shared fixtures: the real CosIng annex exports shipped in app/data/cosing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import data
from app.engines.regulatory import RegulatedEntry, RuleIndex, parse_annex_file

ANNEXES = ("II", "III", "IV", "V", "VI")


def annex_path(annex: str) -> Path:
    """Path of one real annex export (FileNotFoundError when missing: a test fails, never skips)."""
    return data.path(f"cosing/COSING_Annex_{annex}_v2.txt")


@pytest.fixture(scope="session")
def cosing_dir() -> Path:
    """Directory of the shipped exports (all five must be there)."""
    paths = [annex_path(a) for a in ANNEXES]  # raises when one is missing
    return paths[0].parent


@pytest.fixture(scope="session")
def annexes(cosing_dir: Path) -> dict[str, list[RegulatedEntry]]:
    """Parsed entries per annex label."""
    return {a: parse_annex_file(annex_path(a)) for a in ANNEXES}


@pytest.fixture(scope="session")
def eu_entries(annexes: dict[str, list[RegulatedEntry]]) -> list[RegulatedEntry]:
    """All EU entries of the five annexes."""
    return [e for a in ANNEXES for e in annexes[a]]


@pytest.fixture(scope="session")
def eu_index(eu_entries: list[RegulatedEntry]) -> RuleIndex:
    """Index over the five real annexes."""
    return RuleIndex.build(eu_entries)
