from collections.abc import Callable

import httpx

from app.integrations.toxicology import EchaSource, SourceStatus, SubstanceRef

ClientFactory = Callable[..., httpx.AsyncClient]  # the `mock_client` fixture
Handler = Callable[[httpx.Request], httpx.Response]
HOSTS = ["chem.echa.europa.eu"]
PHENOXYETHANOL = SubstanceRef(inci_name="Phenoxyethanol", cas="122-99-6")

SEARCH = {
    "items": [
        {
            "substanceIndex": {
                "rmlId": "100.004.173",
                "rmlName": "2-phenoxyethanol",
                "rmlCas": "122-99-6",
                "rmlEc": "204-589-7",
                "indexNumber": ["603-098-00-9"],
            }
        }
    ],
    "state": {"pageIndex": 1, "pageSize": 10, "totalItems": 1},
}
OVERVIEW = {
    "classificationId": "139502",
    "rmlId": "100.004.173",
    "signalWord": {"signalWordCode": "Wng", "signalWordText": "Warning"},
    "type": "harmonised",
    "totalHarmonisedClassifications": 1,
    "totalIndustryClassifications": 38,
}
CLASSES = {
    "items": [
        {
            "classificationId": "139502",
            "hazardClassAndCategoryCode": "Acute Tox. 4",
            "hazardStatements": [
                {"hazardStatementCode": "H302", "hazardStatementText": "Harmful if swallowed."}
            ],
        },
        {
            "classificationId": "139502",
            "hazardClassAndCategoryCode": "Eye Irrit. 2",
            "hazardStatements": [
                {
                    "hazardStatementCode": "H319",
                    "hazardStatementText": "Causes serious eye irritation.",
                }
            ],
        },
    ]
}


def _echa(
    search: object = SEARCH, overview: object = OVERVIEW, log: list[httpx.Request] | None = None
) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if log is not None:
            log.append(request)
        path = request.url.path
        if path == "/api-substance/v1/substance":
            return httpx.Response(200, json=search)
        if path.startswith("/api-cnl-inventory/prominent/overview/info/"):
            return httpx.Response(200, json=overview)
        if path == "/api-cnl-inventory/prominent/overview/classifications/harmonised/139502":
            return httpx.Response(200, json=CLASSES)
        return httpx.Response(404)

    return handler


async def test_harmonised_classification_is_returned_with_citation(
    mock_client: ClientFactory,
) -> None:
    requests: list[httpx.Request] = []
    source = EchaSource(mock_client(_echa(log=requests), hosts=HOSTS), api_key=" k-123 ")
    result = await source.fetch(PHENOXYETHANOL)

    assert result.status is SourceStatus.OK
    assert [e.rating for e in result.endpoints] == ["Acute Tox. 4 (H302)", "Eye Irrit. 2 (H319)"]
    assert result.hazard_codes == ["H302", "H319"]
    assert result.identifiers == {
        "echa_rml_id": "100.004.173",
        "ec_number": "204-589-7",
        "cas": "122-99-6",
        "name": "2-phenoxyethanol",
    }
    assert all(
        e.source == "ECHA C&L Inventory, harmonised classification (100.004.173)"
        for e in result.endpoints
    )
    assert result.endpoints[0].reference_url == "https://chem.echa.europa.eu/100.004.173"
    assert requests[0].url.params["searchText"] == "122-99-6"
    assert all(r.headers["X-API-Key"] == "k-123" for r in requests)


async def test_a_search_hit_for_another_cas_is_not_used(mock_client: ClientFactory) -> None:
    other = {"items": [{"substanceIndex": {"rmlId": "100.1", "rmlCas": "9004-78-8"}}]}
    requests: list[httpx.Request] = []
    source = EchaSource(mock_client(_echa(search=other, log=requests), hosts=HOSTS))
    result = await source.fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.NO_DATA
    assert len(requests) == 1


async def test_without_cas_only_an_exact_name_match_counts(mock_client: ClientFactory) -> None:
    source = EchaSource(mock_client(_echa(), hosts=HOSTS))
    assert (await source.fetch(SubstanceRef(inci_name="Phenoxyethanol"))).status is (
        SourceStatus.NO_DATA
    )
    found = await source.fetch(SubstanceRef(inci_name="2-Phenoxyethanol"))
    assert found.status is SourceStatus.OK


async def test_industry_only_classification_is_no_harmonised_data(
    mock_client: ClientFactory,
) -> None:
    industry = {**OVERVIEW, "type": "industry", "totalHarmonisedClassifications": 0}
    source = EchaSource(mock_client(_echa(overview=industry), hosts=HOSTS))
    result = await source.fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.NO_DATA
    assert result.note == "no harmonised classification in this source"


async def test_overview_wrapped_in_items_is_understood(mock_client: ClientFactory) -> None:
    source = EchaSource(mock_client(_echa(overview={"items": [OVERVIEW]}), hosts=HOSTS))
    assert (await source.fetch(PHENOXYETHANOL)).hazard_codes == ["H302", "H319"]


async def test_server_errors_after_the_retry_are_unavailable(mock_client: ClientFactory) -> None:
    calls: list[httpx.Request] = []

    def down(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500)

    result = await EchaSource(mock_client(down, hosts=HOSTS), backoff=0.01).fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.UNAVAILABLE and "500" in (result.error or "")
    assert len(calls) == 2
