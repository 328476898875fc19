"""The regulatory PDF as data: sections of blocks, built from a snapshot, rendered elsewhere."""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

Lang = Literal["zh-TW", "en"]
LANGS: tuple[Lang, ...] = ("zh-TW", "en")


@dataclass(frozen=True)
class Fields:
    """Label/value rows (a two-column form)."""

    rows: list[tuple[str, str]]
    kind: Literal["fields"] = "fields"


@dataclass(frozen=True)
class Table:
    """A table with a header row; `widths` are fr weights, 0 = as wide as the content."""

    columns: list[str]
    rows: list[list[str]]
    widths: list[float] = field(default_factory=list)
    kind: Literal["table"] = "table"


@dataclass(frozen=True)
class Paragraph:
    text: str
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class Note:
    """Small print: sources, assumptions, what is unknown."""

    text: str
    kind: Literal["note"] = "note"


@dataclass(frozen=True)
class Subheading:
    text: str
    kind: Literal["subheading"] = "subheading"


Block = Fields | Table | Paragraph | Note | Subheading


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    blocks: list[Block]


@dataclass(frozen=True)
class VersionEntry:
    """One row of the Item 16 version list (spec 05 §3)."""

    label: str
    sequence: int
    is_signed: bool
    created_at: datetime
    signed_at: datetime | None
    signature_hash: str | None


@dataclass(frozen=True)
class Signature:
    """Who signed the snapshot, when, and the hash of its canonical form."""

    signed_at: datetime
    signature_hash: str
    sa_name: str | None = None
    sa_certificate_ref: str | None = None
    method: str | None = None


@dataclass(frozen=True)
class FindingFacts:
    """What the PDF needs of one regulatory finding (engine-neutral copy)."""

    jurisdiction: str  # "TW", "EU"; "" for findings of no list (unidentified)
    kind: str
    binding: bool
    lines: list[int]
    reference: str
    provisional: bool = False


@dataclass(frozen=True)
class LineStatus:
    """A formula line's worst finding per jurisdiction ('TW', 'EU'): kind ("clear" if none)."""

    line: int
    status: dict[str, str]
    binding: dict[str, bool] = field(default_factory=dict)
    provisional: dict[str, bool] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentInput:
    """Everything a regulatory PDF shows: the snapshot plus the facts around it.

    `as_of` is the date the document speaks for (the snapshot's date, or today for live data);
    nothing in the document depends on the wall clock, so the same input gives the same PDF.
    """

    snapshot: dict[str, Any]
    version_label: str
    live: bool
    as_of: date
    org_name: str
    org_type: str
    versions: list[VersionEntry] = field(default_factory=list)
    signature: Signature | None = None
    line_status: list[LineStatus] | None = None
    lists_checked: list[str] = field(default_factory=list)
    strictest_limits: bool = False  # no product description: strictest category limits
    sa_qualified_until: date | None = None


@dataclass(frozen=True)
class RegulatoryDocument:
    lang: Lang
    title: str
    product_name: str
    version_label: str
    header_right: str
    footer_left: str
    page_label: str
    sections: list[Section]
