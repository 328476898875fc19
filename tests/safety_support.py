"""Fixture regulatory lists for the safety tests (the shipped lists are never modified), and
`build_sources` stand-ins: every source down, or a switchable outage."""

import asyncio
from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.engines.regulatory import RegulatedEntry, RuleIndex, ScopedLimit
from app.engines.regulatory.engine import Checker
from app.engines.regulatory.substances import SubstanceMaster
from app.integrations.http import build_client
from app.integrations.toxicology import CompToxSource, EchaSource, PubChemSource, ToxSource
from app.services.regulatory import CheckerCache

FIXTURE_ENTRIES = [
    RegulatedEntry(
        jurisdiction="EU",
        list_type="prohibited",
        annex="II",
        ref_no="fixture-estradiol",
        chemical_name="Estradiol",
        inci_name="Estradiol",
        cas_numbers=("50-28-2",),
        citation="fixture: EU Annex II entry for estradiol",
    ),
    RegulatedEntry(
        jurisdiction="TW",
        list_type="colorant",
        annex="",
        ref_no="fixture-tio2",
        chemical_name="Titanium dioxide",
        inci_name="Titanium Dioxide",
        cas_numbers=("13463-67-7",),
        limits=(ScopedLimit("", "", frozenset(), 25.0),),
        max_concentration_pct=25.0,
        citation="fixture: TW colorant list, titanium dioxide max 25 %",
    ),
]


class FixedRules(CheckerCache):
    """The regulatory check over fixture entries (tests never modify the shared lists)."""

    def __init__(self, entries: list[RegulatedEntry]) -> None:
        super().__init__()
        self._checker = Checker.build(RuleIndex.build(entries), SubstanceMaster.build([]))

    async def get(self, session: AsyncSession) -> Checker:
        return self._checker


def all_sources_down(
    settings: Settings, redis: object, **_: object
) -> tuple[list[ToxSource], list[httpx.AsyncClient]]:
    """`build_sources` stand-in: PubChem and ECHA both answer 503 (through MockTransport)."""
    clients = [
        build_client(
            allowed_hosts=[host],
            timeout=5.0,
            user_agent="pifai-test",
            transport=httpx.MockTransport(lambda request: httpx.Response(503)),
        )
        for host in ("pubchem.ncbi.nlm.nih.gov", "chem.echa.europa.eu")
    ]
    sources: list[ToxSource] = [
        PubChemSource(clients[0], include_safety=False, backoff=0.01),
        EchaSource(clients[1], backoff=0.01),
    ]
    return sources, clients


PUBCHEM_PROPERTIES = {
    "CID": 31236,
    "MolecularFormula": "C8H10O2",
    "MolecularWeight": "138.16",
    "XLogP": 1.2,
}


@dataclass
class SwitchableSources:
    """`build_sources` stand-in over MockTransport: while `down`, PubChem and EPA CompTox answer
    503 and ECHA's connection is refused; once back, PubChem answers its properties, ECHA and
    CompTox "no entry".
    `gates` (CAS -> event) hold an ingredient's PubChem answer until the test sets it."""

    down: bool = True
    gates: dict[str, asyncio.Event] = field(default_factory=dict)
    requests: int = 0

    async def _pubchem(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.down:
            return httpx.Response(503)
        asked = str(request.url) + request.content.decode(errors="ignore")  # the name is POSTed
        gate = next((g for cas, g in self.gates.items() if cas in asked), None)
        if gate is not None:
            await gate.wait()
        return httpx.Response(200, json={"PropertyTable": {"Properties": [PUBCHEM_PROPERTIES]}})

    async def _echa(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        if self.down:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, json={"items": []})

    async def _comptox(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return httpx.Response(503) if self.down else httpx.Response(200, json=[])

    def __call__(
        self, settings: Settings, redis: object, **_: object
    ) -> tuple[list[ToxSource], list[httpx.AsyncClient]]:
        clients = [
            build_client(
                allowed_hosts=[host],
                timeout=5.0,
                user_agent="pifai-test",
                transport=httpx.MockTransport(handler),
            )
            for host, handler in (
                ("pubchem.ncbi.nlm.nih.gov", self._pubchem),
                ("chem.echa.europa.eu", self._echa),
                ("comptox.epa.gov", self._comptox),
            )
        ]
        sources: list[ToxSource] = [
            PubChemSource(clients[0], include_safety=False, backoff=0.01),
            EchaSource(clients[1], backoff=0.01),
            CompToxSource(clients[2], api_key="fixture-key", backoff=0.01),
        ]
        return sources, clients
