"""PubChem: CID and properties (PUG REST), GHS H-codes and LD50 values (PUG View)."""

from typing import Any

import httpx

from app.integrations.ratelimit import RateLimiter
from app.integrations.toxicology import pubchem_parse as parse
from app.integrations.toxicology.base import SourceResult, SourceStatus, SubstanceRef
from app.integrations.toxicology.http_source import HttpToxSource

PUG_REST = "https://pubchem.ncbi.nlm.nih.gov/rest/pug"
PUG_VIEW = "https://pubchem.ncbi.nlm.nih.gov/rest/pug_view"
PROPERTIES = "MolecularFormula,MolecularWeight,XLogP,SMILES,ConnectivitySMILES,IUPACName"
GHS_HEADING = "GHS Classification"
TOXICITY_HEADING = "Toxicity"  # holds both "Acute Effects" and "Non-Human Toxicity Values"


class PubChemSource(HttpToxSource):
    """Calls per substance: 1 property lookup (+1 if the CAS is unknown and the name is
    tried), then 2 PUG View calls unless `include_safety=False` (identity only)."""

    name = "pubchem"

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        limiter: RateLimiter | None = None,
        include_safety: bool = True,
        timeout: float = 5.0,
        retries: int = 1,
        backoff: float = 0.5,
    ) -> None:
        super().__init__(client, timeout=timeout, retries=retries, backoff=backoff, limiter=limiter)
        self.include_safety = include_safety

    async def _lookup(self, ref: SubstanceRef) -> SourceResult:
        row = None
        # CAS first (unambiguous), then the INCI name; one call each because the property
        # endpoint returns the CID too, which keeps us inside the 5 requests/s budget.
        for query in dict.fromkeys(q for q in (ref.cas, ref.inci_name) if q):
            row = parse.first_property_row(await self._properties(query))
            if row is not None and "CID" in row:
                break
        if row is None or "CID" not in row:
            return SourceResult.no_data(self.name)
        cid = int(row["CID"])
        endpoints, hazard_codes = [], []
        if self.include_safety:
            endpoints = parse.ghs_endpoints(await self._view(cid, GHS_HEADING), cid)
            hazard_codes = list(dict.fromkeys(c for e in endpoints for c in _codes(e.rating)))
            endpoints += parse.ld50_endpoints(await self._view(cid, TOXICITY_HEADING), cid)
        return SourceResult(
            source=self.name,
            status=SourceStatus.OK,
            identifiers={"cid": str(cid)},
            properties=parse.properties_of(row),
            citation=f"PubChem CID {cid}",
            endpoints=endpoints,
            hazard_codes=sorted(hazard_codes),
        )

    async def _properties(self, query: str) -> Any | None:
        # POST with a form body: INCI names contain "/" and "," that break a URL path segment
        response = await self._request(
            "POST", f"{PUG_REST}/compound/name/property/{PROPERTIES}/JSON", data={"name": query}
        )
        if response.status_code in (400, 404):  # PUGREST.NotFound / BadRequest: unknown name
            return None
        response.raise_for_status()
        return response.json()

    async def _view(self, cid: int, heading: str) -> Any | None:
        # 404 here means "no section with that heading", not a missing compound
        return await self._get_json(
            f"{PUG_VIEW}/data/compound/{cid}/JSON", params={"heading": heading}
        )


def _codes(rating: str | None) -> list[str]:
    return [c.strip() for c in (rating or "").split(",") if c.strip()]
