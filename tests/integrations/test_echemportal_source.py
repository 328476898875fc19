import json
from collections.abc import Callable

import httpx

from app.integrations.toxicology import EChemPortalSource, SourceStatus, SubstanceRef

ClientFactory = Callable[..., httpx.AsyncClient]  # the `mock_client` fixture
HOSTS = ["www.echemportal.org"]
PHENOXYETHANOL = SubstanceRef(inci_name="Phenoxyethanol", cas="122-99-6")

RESULTS = {
    "results": [
        {
            "id": "a1",
            "name": "2-phenoxyethanol",
            "number": "122-99-6",
            "name_type": "Chemical name",
            "number_type": "CAS Number",
            "participant_id": 1,
            "participant_acronym": "ECHA REACH",
            "endpoint_data": True,
            "url": "https://chem.echa.europa.eu/100.004.173",
        },
        {
            "id": "b2",
            "name": "2-phenoxyethanol",
            "number": "122-99-6",
            "number_type": "CAS Number",
            "participant_acronym": "OECD HPV",
            "url": "https://hpvchemicals.oecd.org/ui/handler.axd?id=x",
        },
        {
            "id": "c3",
            "name": "Ethylene glycol phenyl ether acrylate",
            "number": "48145-04-6",
            "number_type": "CAS Number",
            "participant_acronym": "J-CHECK",
        },
    ],
    "page_info": {"total_pages": 1, "total_elements": 3},
}


async def test_coverage_lists_only_records_for_this_cas(mock_client: ClientFactory) -> None:
    bodies: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(json.loads(request.content))
        return httpx.Response(200, json=RESULTS)

    result = await EChemPortalSource(mock_client(handler, hosts=HOSTS)).fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.OK
    assert [(c.participant, c.has_endpoint_data) for c in result.coverage] == [
        ("ECHA REACH", True),
        ("OECD HPV", None),
    ]
    assert result.coverage[0].source == "OECD eChemPortal (ECHA REACH)"
    assert result.endpoints == []  # coverage only: eChemPortal gives no values here
    assert bodies[0]["query_term"] == "122-99-6"
    assert "participants" not in bodies[0]


async def test_no_matching_record_is_no_data(mock_client: ClientFactory) -> None:
    empty = {"results": [], "page_info": {"total_pages": 0, "total_elements": 0}}
    source = EChemPortalSource(
        mock_client(lambda _: httpx.Response(200, json=empty), hosts=HOSTS), participants=[1, 101]
    )
    assert (await source.fetch(PHENOXYETHANOL)).status is SourceStatus.NO_DATA


async def test_timeout_is_unavailable(mock_client: ClientFactory) -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectTimeout("timed out", request=request)

    source = EChemPortalSource(mock_client(slow, hosts=HOSTS), backoff=0.01)
    result = await source.fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.UNAVAILABLE
    assert result.error is not None and "ConnectTimeout" in result.error
