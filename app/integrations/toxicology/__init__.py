"""Clients for public toxicology and regulatory sources, behind one `ToxSource` protocol."""

from app.integrations.toxicology.base import (
    CoverageEntry,
    Endpoint,
    SourceResult,
    SourceStatus,
    SubstanceRef,
    ToxSource,
)
from app.integrations.toxicology.comptox import CompToxSource
from app.integrations.toxicology.echa import EchaSource
from app.integrations.toxicology.echemportal import EChemPortalSource
from app.integrations.toxicology.pipeline import gather_sources
from app.integrations.toxicology.pubchem import PubChemSource

__all__ = [
    "CompToxSource",
    "CoverageEntry",
    "EChemPortalSource",
    "EchaSource",
    "Endpoint",
    "PubChemSource",
    "SourceResult",
    "SourceStatus",
    "SubstanceRef",
    "ToxSource",
    "gather_sources",
]
