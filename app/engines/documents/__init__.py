"""Documents engine: the 14-section regulatory PDF as data (spec 05 §6, 08 E20), no I/O."""

from app.engines.documents.model import (
    LANGS,
    Block,
    DocumentInput,
    Fields,
    FindingFacts,
    Lang,
    LineStatus,
    Note,
    Paragraph,
    RegulatoryDocument,
    Section,
    Signature,
    Subheading,
    Table,
    VersionEntry,
)
from app.engines.documents.sections import SECTIONS, build_document
from app.engines.documents.status import line_statuses, status_text

__all__ = [
    "LANGS",
    "SECTIONS",
    "Block",
    "DocumentInput",
    "Fields",
    "FindingFacts",
    "Lang",
    "LineStatus",
    "Note",
    "Paragraph",
    "RegulatoryDocument",
    "Section",
    "Signature",
    "Subheading",
    "Table",
    "VersionEntry",
    "build_document",
    "line_statuses",
    "status_text",
]
