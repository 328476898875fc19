"""Shared fixtures: the real CosIng annex exports from ../shared/data/cosing."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engines.regulatory import RegulatedEntry, RuleIndex, parse_annex_file

COSING_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "cosing"
ANNEXES = ("II", "III", "IV", "V", "VI")


def annex_path(annex: str) -> Path:
    """Path of one real annex export."""
    return COSING_DIR / f"COSING_Annex_{annex}_v2.txt"


@pytest.fixture(scope="session")
def cosing_dir() -> Path:
    """Directory of the real exports; tests using it skip when it is absent."""
    if not all(annex_path(a).is_file() for a in ANNEXES):
        pytest.skip(f"CosIng exports not found in {COSING_DIR} (shared reference data absent)")
    return COSING_DIR


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
