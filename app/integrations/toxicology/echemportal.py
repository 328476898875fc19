"""OECD eChemPortal: which participating databases hold data on the substance (coverage only)."""

from collections.abc import Sequence
from typing import Any

import httpx

from app.integrations.ratelimit import RateLimiter
from app.integrations.toxicology.base import CoverageEntry, SourceResult, SourceStatus, SubstanceRef
from app.integrations.toxicology.http_source import HttpToxSource

SEARCH_URL = "https://www.echemportal.org/echemportal/api/substance-search"
PAGE_SIZE = 50


class EChemPortalSource(HttpToxSource):
    """One call: the substance search, filtered to exact CAS (or exact name) matches."""

    name = "echemportal"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        participants: Sequence[int] = (),
        limiter: RateLimiter | None = None,
        timeout: float = 10.0,
        retries: int = 1,
        backoff: float = 0.5,
    ) -> None:
        super().__init__(client, timeout=timeout, retries=retries, backoff=backoff, limiter=limiter)
        self._participants = list(participants)

    async def _lookup(self, ref: SubstanceRef) -> SourceResult:
        body: dict[str, Any] = {
            "query_term": ref.cas or ref.inci_name,
            "paging": {"offset": 0, "limit": PAGE_SIZE},
            "filtering": [],
            "sorting": [],
            "ghs_blocks": [],
            "new_query": True,
        }
        if self._participants:
            body["participants"] = self._participants
        response = await self._request("POST", SEARCH_URL, json=body)
        response.raise_for_status()
        payload = response.json()
        hits = payload.get("results") if isinstance(payload, dict) else None
        coverage = [_coverage(h) for h in hits or [] if isinstance(h, dict) and _matches(h, ref)]
        if not coverage:
            return SourceResult.no_data(self.name)
        return SourceResult(source=self.name, status=SourceStatus.OK, coverage=coverage)


def _matches(hit: dict[str, Any], ref: SubstanceRef) -> bool:
    # The search is a free-text match; keep only records about this exact substance.
    if ref.cas:
        return str(hit.get("number", "")).strip() == ref.cas
    return str(hit.get("name", "")).strip().casefold() == ref.inci_name.casefold()


def _coverage(hit: dict[str, Any]) -> CoverageEntry:
    participant = str(hit.get("participant_acronym") or hit.get("participant_id") or "unknown")
    endpoint_data = hit.get("endpoint_data")
    return CoverageEntry(
        participant=participant,
        name=hit.get("name"),
        number=hit.get("number"),
        url=hit.get("url"),
        has_endpoint_data=endpoint_data if isinstance(endpoint_data, bool) else None,
        source=f"OECD eChemPortal ({participant})",
    )
