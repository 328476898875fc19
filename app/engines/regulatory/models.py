"""Value objects shared by the regulatory parsers, diff and formula check."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Literal

Jurisdiction = Literal["EU", "TW"]
ListType = Literal["prohibited", "restricted", "colorant", "preservative", "uv_filter"]

LIST_TYPES: tuple[ListType, ...] = (
    "prohibited",
    "restricted",
    "colorant",
    "preservative",
    "uv_filter",
)
# Annex numbering differs between publications; list_type is the key, the annex only a label.
ANNEX_LIST_TYPE: dict[str, ListType] = {
    "II": "prohibited",
    "III": "restricted",
    "IV": "colorant",
    "V": "preservative",
    "VI": "uv_filter",
}
# "form" scopes say how a product is used; every other scope says where/what it is.
FORM_SCOPES = frozenset({"leave_on", "rinse_off"})
AREA_SCOPES = frozenset({"hair", "oral", "eye", "nail", "skin", "face", "lip", "depilatory"})
SCOPES = FORM_SCOPES | AREA_SCOPES | frozenset({"professional", "other"})


@dataclass(frozen=True, slots=True)
class UseCategory:
    """One product-type category of an entry, e.g. "(b) Depilatories"."""

    label: str
    product_type_text: str
    scopes: frozenset[str]
    excluded_scopes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class ScopedLimit:
    """A maximum concentration that applies to one product-type category."""

    category_label: str
    product_type_text: str
    scopes: frozenset[str]
    max_pct: float
    excluded_scopes: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RegulatedEntry:
    """One row of a regulatory list (EU CosIng annex or Taiwan TFDA list)."""

    jurisdiction: Jurisdiction
    list_type: ListType
    annex: str
    ref_no: str
    chemical_name: str
    inci_name: str = ""
    cas_numbers: tuple[str, ...] = ()
    ec_numbers: tuple[str, ...] = ()
    product_type_text: str = ""
    max_text: str = ""
    other_text: str = ""
    warnings_text: str = ""
    cmr_text: str = ""
    regulation: str = ""
    sccs_opinions: str = ""
    updated_on: date | None = None
    max_concentration_pct: float | None = None
    limits: tuple[ScopedLimit, ...] = ()
    categories: tuple[UseCategory, ...] = ()
    disclosure_leave_on_pct: float | None = None
    disclosure_rinse_off_pct: float | None = None
    is_group: bool = False
    group_terms: tuple[str, ...] = ()
    identified_ingredients: tuple[str, ...] = ()
    citation: str = ""
    # Text of the "Other" column before any disclosure clause (conditions of use).
    conditions_text: str = field(default="")

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity of the entry across list versions."""
        return (self.jurisdiction, self.list_type, self.ref_no)

    @property
    def reference(self) -> str:
        """Short reference: "EU Annex III/45", "TW TFDA 化粧品禁止使用成分表 no. 3"."""
        if self.jurisdiction == "TW" and self.annex:
            return f"TW TFDA {self.annex} no. {self.ref_no}"
        return f"{self.jurisdiction} {self.list_type_label}/{self.ref_no}"

    @property
    def list_type_label(self) -> str:
        """Annex label when known, else the list type."""
        return f"Annex {self.annex}" if self.annex else self.list_type

    def content_hash(self) -> str:
        """Stable SHA-256 of every field, used to detect changed entries."""
        payload = {f.name: _canonical(getattr(self, f.name)) for f in fields(self)}
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _canonical(value: Any) -> Any:
    """JSON-friendly, order-independent form of a field value."""
    if isinstance(value, frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return [_canonical(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, ScopedLimit | UseCategory):
        return {f.name: _canonical(getattr(value, f.name)) for f in fields(value)}
    return value
