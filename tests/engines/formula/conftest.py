"""Shared fixtures for the formula-engine tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import data
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.starter import starter_dictionary


@pytest.fixture(scope="session")
def starter() -> IngredientDictionary:
    """Dictionary built from the shipped starter CSV."""
    return starter_dictionary()


@pytest.fixture(scope="session")
def inventory_path() -> Path:
    """Path of the shipped CosIng inventory (a missing file fails the test)."""
    return data.path("cosing/cosing_inventory_simplified.csv")
