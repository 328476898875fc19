"""Toxicology: the shared 30-day source cache, batch pipeline and Items 9/10 drafts.

Other contexts call only what is re-exported here.
"""

from app.services.toxicology.anchors import (
    curated_file_version,
    curated_is_current,
)
from app.services.toxicology.anchors import (
    load_curated as load_curated_anchors,
)
from app.services.toxicology.pipeline import IngredientToxicology, Lookup, lookup_many
from app.services.toxicology.safety import FormulaInput, assess_lines
from app.services.toxicology.safety import serialize as serialize_safety
from app.services.toxicology.sources import build_sources

__all__ = [
    "FormulaInput",
    "IngredientToxicology",
    "Lookup",
    "assess_lines",
    "build_sources",
    "curated_file_version",
    "curated_is_current",
    "load_curated_anchors",
    "lookup_many",
    "serialize_safety",
]
