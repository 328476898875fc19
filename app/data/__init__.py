"""Versioned reference data shipped with the application (CSV/TXT, each folder with a SOURCE.md).

`path("cosing/COSING_Annex_II_v2.txt")` is the one accessor for these files: the application and
the tests read the shipped copy, never a checkout-relative directory.
"""

from importlib import resources
from pathlib import Path

DATA_DIR = Path(str(resources.files(__name__)))


def path(relative: str) -> Path:
    """Path of one shipped file; FileNotFoundError (never a silent fallback) when it is missing."""
    target = DATA_DIR / relative
    if not target.is_file():
        raise FileNotFoundError(f"shipped reference file missing: app/data/{relative}")
    return target
