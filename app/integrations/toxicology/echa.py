"""ECHA C&L Inventory: the harmonised (CLP Annex VI) classification and its H-codes."""

from typing import Any
from urllib.parse import quote

import httpx

from app.integrations.ratelimit import RateLimiter
from app.integrations.toxicology.base import Endpoint, SourceResult, SourceStatus, SubstanceRef
from app.integrations.toxicology.http_source import HttpToxSource

ECHA_BASE = "https://chem.echa.europa.eu"
SUBSTANCE_URL = ECHA_BASE + "/{rml_id}"
NO_HARMONISED = "no harmonised classification in this source"


class EchaSource(HttpToxSource):
    """Three calls: substance search, classification overview, harmonised classes."""

    name = "echa"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        api_key: str | None = None,
        limiter: RateLimiter | None = None,
        timeout: float = 10.0,
        retries: int = 1,
        backoff: float = 0.5,
    ) -> None:
        super().__init__(client, timeout=timeout, retries=retries, backoff=backoff, limiter=limiter)
        # The public ECHA CHEM endpoints need no key; a keyed gateway gets it as a header.
        self._headers = {"X-API-Key": api_key.strip()} if api_key and api_key.strip() else {}

    async def _lookup(self, ref: SubstanceRef) -> SourceResult:
        substance = await self._find_substance(ref)
        if substance is None:
            return SourceResult.no_data(self.name)
        rml_id = str(substance["rmlId"])
        overview = await self._get_json(
            f"{ECHA_BASE}/api-cnl-inventory/prominent/overview/info/{quote(rml_id, safe='')}",
            headers=self._headers,
        )
        classification_id = _harmonised_classification_id(overview)
        if classification_id is None:
            return SourceResult.no_data(self.name, NO_HARMONISED)
        classes = await self._get_json(
            f"{ECHA_BASE}/api-cnl-inventory/prominent/overview/classifications/harmonised/"
            f"{quote(classification_id, safe='')}",
            headers=self._headers,
        )
        citation = f"ECHA C&L Inventory, harmonised classification ({rml_id})"
        url = SUBSTANCE_URL.format(rml_id=rml_id)
        items = _items(classes)
        endpoints = [e for i in items if (e := _class_endpoint(i, citation, url)) is not None]
        if not endpoints:
            return SourceResult.no_data(self.name, NO_HARMONISED)
        return SourceResult(
            source=self.name,
            status=SourceStatus.OK,
            identifiers=_identifiers(substance),
            citation=citation,
            endpoints=endpoints,
            hazard_codes=sorted({c for i in items for c in _statement_codes(i)}),
        )

    async def _find_substance(self, ref: SubstanceRef) -> dict[str, Any] | None:
        query = ref.cas or ref.inci_name
        payload = await self._get_json(
            f"{ECHA_BASE}/api-substance/v1/substance",
            params={"searchText": query, "pageIndex": 1, "pageSize": 10},
            headers=self._headers,
        )
        for hit in _items(payload):
            sub = hit.get("substanceIndex") or hit
            if not isinstance(sub, dict) or not sub.get("rmlId"):
                continue
            # Exact identity only: a fuzzy first hit could attach another substance's hazards.
            if ref.cas and ref.cas in _as_list(sub.get("rmlCas")):
                return sub
            if not ref.cas and ref.inci_name.casefold() == str(sub.get("rmlName", "")).casefold():
                return sub
        return None


def _items(payload: Any) -> list[dict[str, Any]]:
    items = payload.get("items") if isinstance(payload, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _statements(item: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in item.get("hazardStatements") or [] if isinstance(s, dict)]


def _statement_codes(item: dict[str, Any]) -> list[str]:
    return [
        str(s["hazardStatementCode"]) for s in _statements(item) if s.get("hazardStatementCode")
    ]


def _class_endpoint(item: dict[str, Any], citation: str, url: str) -> Endpoint | None:
    category, codes = item.get("hazardClassAndCategoryCode"), _statement_codes(item)
    if not category and not codes:
        return None
    label, joined = str(category or ""), ", ".join(codes)
    texts = [
        str(s["hazardStatementText"]) for s in _statements(item) if s.get("hazardStatementText")
    ]
    return Endpoint(
        name="ghs_classification",
        rating=f"{label} ({joined})" if label and codes else label or joined,
        source=citation,
        reference_url=url,
        raw_text="; ".join(texts) or None,
    )


def _as_list(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _harmonised_classification_id(overview: Any) -> str | None:
    # The overview comes back either as one object or wrapped in {"items": [...]}.
    entries = _items(overview) or ([overview] if isinstance(overview, dict) else [])
    for entry in entries:
        if entry.get("type") == "harmonised" and entry.get("classificationId"):
            return str(entry["classificationId"])
    return None


def _identifiers(sub: dict[str, Any]) -> dict[str, str]:
    out = {"echa_rml_id": str(sub["rmlId"])}
    for key, name in (("rmlEc", "ec_number"), ("rmlCas", "cas"), ("rmlName", "name")):
        values = _as_list(sub.get(key)) if sub.get(key) else []
        if values:
            out[name] = values[0]
    return out
