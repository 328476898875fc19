"""Toxicology: the shared 30-day source cache, batch pipeline and Items 9/10 drafts.

Other contexts call only what is re-exported here.
"""

from app.services.toxicology.pipeline import IngredientToxicology, Lookup, lookup_many
from app.services.toxicology.sources import build_sources

__all__ = ["IngredientToxicology", "Lookup", "build_sources", "lookup_many"]
