"""Shared fixtures for the formula-engine tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.starter import starter_dictionary

SHARED_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data"
INVENTORY = SHARED_DATA / "cosing" / "cosing_inventory_simplified.csv"


@pytest.fixture(scope="session")
def starter() -> IngredientDictionary:
    """Dictionary built from the shipped starter CSV."""
    return starter_dictionary()


@pytest.fixture(scope="session")
def inventory_path() -> Path:
    """Path of the real CosIng inventory; skips when the shared data is absent."""
    if not INVENTORY.is_file():
        pytest.skip(f"shared data not available at {INVENTORY}")
    return INVENTORY
