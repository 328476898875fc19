"""EPA CompTox (CTX API): DTXSID resolution and ToxValDB points of departure (NOAEL, LOAEL ...)."""

import math
from typing import Any
from urllib.parse import quote

import httpx

from app.integrations.ratelimit import RateLimiter
from app.integrations.toxicology.base import Endpoint, SourceResult, SourceStatus, SubstanceRef
from app.integrations.toxicology.http_source import HttpToxSource

CTX_BASE = "https://comptox.epa.gov/ctx-api"
DASHBOARD_URL = "https://comptox.epa.gov/dashboard/chemical/hazard/{dtxsid}"
# Points of departure usable for a margin-of-safety calculation; other toxval types
# (LD50, RfD, cancer slope ...) are outside what this client reports.
POD_TYPES = frozenset({"NOAEL", "LOAEL", "NOEL", "LOEL", "BMDL", "BMDL05", "BMDL10", "BMD"})


class CompToxSource(HttpToxSource):
    """Two calls: identifier (CAS, else name) → DTXSID, then the ToxValDB records."""

    name = "comptox"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        api_key: str,
        limiter: RateLimiter | None = None,
        timeout: float = 10.0,
        retries: int = 1,
        backoff: float = 0.5,
    ) -> None:
        super().__init__(client, timeout=timeout, retries=retries, backoff=backoff, limiter=limiter)
        self._headers = {"x-api-key": api_key.strip(), "Accept": "application/json"}

    async def _lookup(self, ref: SubstanceRef) -> SourceResult:
        identifier = ref.cas or ref.inci_name
        matches = await self._get_json(
            f"{CTX_BASE}/chemical/search/equal/{quote(identifier, safe='')}",
            headers=self._headers,
        )
        chemical = next((m for m in _dicts(matches) if m.get("dtxsid")), None)
        if chemical is None:
            return SourceResult.no_data(self.name)
        dtxsid = str(chemical["dtxsid"])
        records = await self._get_json(
            f"{CTX_BASE}/hazard/toxval/search/by-dtxsid/{quote(dtxsid, safe='')}",
            headers=self._headers,
        )
        endpoints = [e for r in _dicts(records) if (e := _endpoint(r, dtxsid)) is not None]
        identifiers = {"dtxsid": dtxsid}
        for key, name in (("preferredName", "preferred_name"), ("casrn", "cas")):
            if value := _text(chemical.get(key)):
                identifiers[name] = value
        return SourceResult(
            source=self.name,
            status=SourceStatus.OK if endpoints else SourceStatus.NO_DATA,
            identifiers=identifiers,
            citation=f"EPA CompTox Chemicals Dashboard {dtxsid}",
            endpoints=endpoints,
            note=None if endpoints else "no NOAEL/LOAEL values in this source",
        )


def _dicts(payload: Any) -> list[dict[str, Any]]:
    return [p for p in payload if isinstance(p, dict)] if isinstance(payload, list) else []


def _text(value: Any) -> str | None:
    # ToxValDB writes "-" for "not populated"
    text = str(value).strip() if value is not None else ""
    return None if text in ("", "-") else text


def _endpoint(record: dict[str, Any], dtxsid: str) -> Endpoint | None:
    toxval_type = (_text(record.get("toxvalType")) or "").upper()
    if toxval_type not in POD_TYPES:
        return None
    human_eco = _text(record.get("humanEco"))
    if human_eco is not None and human_eco.lower() != "human health":
        return None
    try:
        value = float(record["toxvalNumeric"])
    except (KeyError, TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        return None  # a POD without a number is not a value we can report
    study_source = _text(record.get("source")) or "source not reported"
    return Endpoint(
        name=toxval_type.lower(),
        value=value,
        unit=_text(record.get("toxvalUnits")),
        qualifier=_text(record.get("toxvalNumericQualifier")),
        species=_text(record.get("speciesCommon")) or _text(record.get("species")),
        route=_text(record.get("exposureRoute")),
        study_type=_text(record.get("studyType")),
        source=f"EPA ToxValDB {dtxsid} ({study_source})",
        reference_url=_text(record.get("sourceUrl")) or DASHBOARD_URL.format(dtxsid=dtxsid),
        raw_text=_text(record.get("longRef")) or _text(record.get("title")),
    )
