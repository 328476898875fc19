"""The per-ingredient toxicology summary (spec 03 §10) and its deterministic local engine.

The local engine never invents a number: every value is copied from an ``Endpoint`` of a
``SourceResult`` together with that endpoint's citation. When several values exist for one
endpoint the most conservative (lowest, mg/kg units first) is reported.

Confidence of a local summary: 0.0 when the risk level is ``unknown``; otherwise
``0.4 + 0.5 x (standard endpoints with data / standard endpoints)`` minus 0.1 per unavailable
source, clamped to [0.1, 0.9] - a rule engine never claims full confidence.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.engines.toxicology.records import Endpoint, SourceResult, SourceStatus
from app.engines.toxicology.risk import (
    QUALITATIVE_CODES,
    RiskLevel,
    codes_in,
    has_tox_data,
    hazard_codes_of,
    risk_level,
)
from app.engines.toxicology.rules import NO_DATA_NOTE, SOURCE_NOAEL_CEILING, SOURCE_UNAVAILABLE

__all__ = [
    "SOURCE_UNAVAILABLE",
    "STANDARD_ENDPOINTS",
    "EndpointSummary",
    "RiskLevel",
    "ToxicologySummary",
    "format_number",
    "has_data",
    "local_summary",
    "source_status",
]

STANDARD_ENDPOINTS: tuple[str, ...] = (
    "acute_toxicity_oral_ld50",
    "acute_toxicity_dermal_ld50",
    "noael",
    *QUALITATIVE_CODES,
)


class EndpointSummary(BaseModel):
    """One endpoint: a cited value or rating, or null with a note."""

    model_config = ConfigDict(extra="forbid")

    value: float | None = None
    rating: str | None = None
    unit: str | None = None
    species: str | None = None
    route: str | None = None
    source: str | None = None
    note: str | None = None


class ToxicologySummary(BaseModel):
    """Structured toxicology summary of one ingredient (spec 03 §10)."""

    model_config = ConfigDict(extra="forbid")

    ingredient: str
    cas: str | None = None
    inci: str | None = None
    risk_level: RiskLevel
    risk_endpoints: dict[str, EndpointSummary]
    regulatory: dict[str, Any] = Field(default_factory=dict)
    summary_en: str
    citations: list[str] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    sources_unavailable: list[str] = Field(default_factory=list)
    source_status: dict[str, str] = Field(default_factory=dict)


def format_number(value: float) -> str:
    """Plain decimal text of a float (no exponent), so the text quotes the source's number."""
    return format(Decimal(repr(value)).normalize(), "f")


def has_data(endpoint: EndpointSummary) -> bool:
    """True when the endpoint holds a value or a rating (not a null with a note)."""
    return endpoint.value is not None or bool(endpoint.rating)


def _pick(candidates: list[Endpoint]) -> Endpoint:
    # Conservative choice: the lowest value, preferring values in mg/kg units.
    return min(candidates, key=lambda e: (not (e.unit or "").lower().startswith("mg/kg"), e.value))


def _numeric(results: Sequence[SourceResult]) -> dict[str, EndpointSummary]:
    groups: dict[str, list[Endpoint]] = {}
    discarded: dict[str, Endpoint] = {}
    for result in results:
        for e in result.endpoints if result.status is SourceStatus.OK else ():
            if e.value is None or not math.isfinite(e.value):
                continue
            if "noael" in e.name.lower() and e.value > SOURCE_NOAEL_CEILING:
                discarded[e.name] = e  # implausible even for a source (spec 06 §2)
                continue
            groups.setdefault(e.name, []).append(e)
    out: dict[str, EndpointSummary] = {}
    for name, endpoint in discarded.items():
        out[name] = EndpointSummary(
            source=endpoint.source, note="value above the plausibility ceiling; discarded"
        )
    for name, candidates in groups.items():
        e = _pick(candidates)
        others = len(candidates) - 1
        out[name] = EndpointSummary(
            value=e.value,
            unit=e.unit,
            species=e.species,
            route=e.route,
            source=e.source,
            note="lowest of the reported values" if others else e.qualifier,
        )
    return out


def _qualitative(results: Sequence[SourceResult]) -> dict[str, EndpointSummary]:
    out: dict[str, EndpointSummary] = {}
    for name, prefixes in QUALITATIVE_CODES.items():
        codes: list[str] = []
        sources: list[str] = []
        for result in results:
            for e in result.endpoints if result.status is SourceStatus.OK else ():
                hits = [c for c in codes_in(e.rating) if c.startswith(prefixes)]
                if hits:
                    codes.extend(hits)
                    sources.append(e.source)
        if codes:
            rating = "classified: " + ", ".join(dict.fromkeys(codes))
            out[name] = EndpointSummary(rating=rating, source="; ".join(dict.fromkeys(sources)))
    for result in results:
        for e in result.endpoints if result.status is SourceStatus.OK else ():
            # Other qualitative results a source rated itself (e.g. "non-irritant").
            if e.value is None and e.rating and e.name != "ghs_classification":
                out.setdefault(e.name, EndpointSummary(rating=e.rating, source=e.source))
    ghs = [(e, r) for r in results if r.status is SourceStatus.OK for e in r.endpoints]
    ghs = [(e, r) for e, r in ghs if e.name == "ghs_classification" and e.rating]
    if ghs:
        found = (c for r in results if has_tox_data(r) for c in hazard_codes_of(r))
        codes = list(dict.fromkeys(found))
        ratings = codes or [e.rating or "" for e, _ in ghs]
        out["ghs_classification"] = EndpointSummary(
            rating=", ".join(ratings), source="; ".join(dict.fromkeys(e.source for e, _ in ghs))
        )
    return out


def _confidence(level: RiskLevel, endpoints: Mapping[str, EndpointSummary], down: int) -> float:
    if level == "unknown":
        return 0.0
    covered = sum(1 for n in STANDARD_ENDPOINTS if has_data(endpoints[n]))
    raw = 0.4 + 0.5 * covered / len(STANDARD_ENDPOINTS) - 0.1 * down
    return round(min(0.9, max(0.1, raw)), 2)


def _text(
    ingredient: str,
    cas: str | None,
    level: RiskLevel,
    endpoints: Mapping[str, EndpointSummary],
    unavailable: list[str],
) -> str:
    parts = [f"{ingredient}" + (f" (CAS {cas})" if cas else "") + f": risk level {level}."]
    ghs = endpoints.get("ghs_classification")
    if ghs is not None and ghs.rating:
        parts.append(f"GHS hazard statements: {ghs.rating} [{ghs.source}].")
    for name, e in endpoints.items():
        if e.value is None:
            continue
        label = name.replace("_", " ")
        unit = f" {e.unit}" if e.unit else ""
        species = f" ({e.species})" if e.species else ""
        parts.append(f"{label}: {format_number(e.value)}{unit}{species} [{e.source}].")
    missing = [n for n in STANDARD_ENDPOINTS if not has_data(endpoints[n])]
    if missing:
        parts.append("No data in the queried sources for: " + ", ".join(missing) + ".")
    parts.extend(f"{source} {SOURCE_UNAVAILABLE}." for source in unavailable)
    return " ".join(parts)


def source_status(results: Sequence[SourceResult]) -> tuple[list[str], dict[str, str]]:
    """Unreachable source names, and per source "ok", its no-data note or the unavailable mark."""
    unavailable = [r.source for r in results if r.status is SourceStatus.UNAVAILABLE]
    status: dict[str, str] = {}
    for r in results:
        if r.status is SourceStatus.UNAVAILABLE:
            status[r.source] = SOURCE_UNAVAILABLE
        else:
            status[r.source] = "ok" if r.status is SourceStatus.OK else r.note or NO_DATA_NOTE
    return unavailable, status


def local_summary(
    ingredient: str,
    cas: str | None,
    results: Sequence[SourceResult],
    regulatory: Mapping[str, Any] | None = None,
    *,
    inci: str | None = None,
) -> ToxicologySummary:
    """Build the summary deterministically from source results; every number is cited."""
    endpoints = {**_qualitative(results), **_numeric(results)}
    for name in STANDARD_ENDPOINTS:
        endpoints.setdefault(name, EndpointSummary(note=NO_DATA_NOTE))
    unavailable, status = source_status(results)
    citations = [e.source for e in endpoints.values() if e.source and has_data(e)]
    citations += [r.citation for r in results if r.status is SourceStatus.OK and r.citation]
    level = risk_level(results)
    return ToxicologySummary(
        ingredient=ingredient,
        cas=cas,
        inci=inci or ingredient,
        risk_level=level,
        risk_endpoints=endpoints,
        regulatory=dict(regulatory or {}),
        summary_en=_text(ingredient, cas, level, endpoints, unavailable),
        citations=list(dict.fromkeys(citations)),
        confidence=_confidence(level, endpoints, len(unavailable)),
        sources_unavailable=unavailable,
        source_status=status,
    )
