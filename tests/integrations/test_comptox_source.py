from collections.abc import Callable

import httpx

from app.integrations.toxicology import CompToxSource, SourceStatus, SubstanceRef

ClientFactory = Callable[..., httpx.AsyncClient]  # the `mock_client` fixture
Handler = Callable[[httpx.Request], httpx.Response]
HOSTS = ["comptox.epa.gov"]
PHENOXYETHANOL = SubstanceRef(inci_name="Phenoxyethanol", cas="122-99-6")
DTXSID = "DTXSID9021976"

SEARCH = [
    {
        "dtxsid": DTXSID,
        "dtxcid": "DTXCID701976",
        "casrn": "122-99-6",
        "preferredName": "2-Phenoxyethanol",
        "searchName": "CAS-RN",
        "searchValue": "122-99-6",
        "rank": 1,
    }
]


def _record(**overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "id": 101,
        "dtxsid": DTXSID,
        "humanEco": "human health",
        "toxvalType": "NOAEL",
        "toxvalNumericQualifier": "=",
        "toxvalNumeric": 357.0,
        "toxvalUnits": "mg/kg-day",
        "speciesCommon": "rat",
        "exposureRoute": "oral",
        "studyType": "subchronic",
        "source": "ECHA IUCLID",
        "sourceUrl": "-",
        "longRef": "-",
    }
    return {**record, **overrides}


HAZARD = [
    _record(),
    _record(id=102, toxvalType="LOAEL", toxvalNumeric=700, source="EFSA", studyType="chronic"),
    _record(id=103, toxvalType="LD50", toxvalNumeric=1260, toxvalUnits="mg/kg"),
    _record(id=104, humanEco="eco", toxvalType="NOEC", speciesCommon="fathead minnow"),
    _record(id=105, toxvalNumeric="-"),
]


def _ctx(
    search: object = SEARCH, hazard: object = HAZARD, log: list[httpx.Request] | None = None
) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if log is not None:
            log.append(request)
        if request.url.path.startswith("/ctx-api/chemical/search/equal/"):
            return httpx.Response(200, json=search)
        if request.url.path == f"/ctx-api/hazard/toxval/search/by-dtxsid/{DTXSID}":
            return httpx.Response(200, json=hazard)
        return httpx.Response(404)

    return handler


async def test_points_of_departure_come_back_with_units_species_and_study_source(
    mock_client: ClientFactory,
) -> None:
    requests: list[httpx.Request] = []
    source = CompToxSource(mock_client(_ctx(log=requests), hosts=HOSTS), api_key="ctx-key")
    result = await source.fetch(PHENOXYETHANOL)

    assert result.status is SourceStatus.OK
    assert result.identifiers == {
        "dtxsid": DTXSID,
        "preferred_name": "2-Phenoxyethanol",
        "cas": "122-99-6",
    }
    noael, loael = result.endpoints  # LD50, eco and value-less records are left out
    assert (noael.name, noael.value, noael.unit, noael.species, noael.route) == (
        "noael",
        357.0,
        "mg/kg-day",
        "rat",
        "oral",
    )
    assert noael.source == f"EPA ToxValDB {DTXSID} (ECHA IUCLID)"
    assert noael.reference_url == f"https://comptox.epa.gov/dashboard/chemical/hazard/{DTXSID}"
    assert (loael.name, loael.value, loael.study_type) == ("loael", 700.0, "chronic")
    assert requests[0].url.path == "/ctx-api/chemical/search/equal/122-99-6"
    assert all(r.headers["x-api-key"] == "ctx-key" for r in requests)


async def test_without_cas_the_name_is_resolved_to_a_dtxsid(mock_client: ClientFactory) -> None:
    requests: list[httpx.Request] = []
    source = CompToxSource(mock_client(_ctx(log=requests), hosts=HOSTS), api_key="k")
    result = await source.fetch(SubstanceRef(inci_name="2-Phenoxyethanol"))
    assert result.identifiers["dtxsid"] == DTXSID
    assert requests[0].url.raw_path == b"/ctx-api/chemical/search/equal/2-Phenoxyethanol"


async def test_unresolved_identifier_is_no_data_without_a_hazard_call(
    mock_client: ClientFactory,
) -> None:
    requests: list[httpx.Request] = []
    source = CompToxSource(mock_client(_ctx(search=[], log=requests), hosts=HOSTS), api_key="k")
    assert (await source.fetch(PHENOXYETHANOL)).status is SourceStatus.NO_DATA
    assert len(requests) == 1


async def test_only_non_pod_records_is_no_data_but_keeps_the_dtxsid(
    mock_client: ClientFactory,
) -> None:
    source = CompToxSource(mock_client(_ctx(hazard=[HAZARD[2]]), hosts=HOSTS), api_key="k")
    result = await source.fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.NO_DATA
    assert result.identifiers["dtxsid"] == DTXSID and result.endpoints == []


async def test_gateway_errors_after_the_retry_are_unavailable(mock_client: ClientFactory) -> None:
    calls: list[httpx.Request] = []

    def down(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(502)

    source = CompToxSource(mock_client(down, hosts=HOSTS), api_key="k", backoff=0.01)
    result = await source.fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.UNAVAILABLE
    assert len(calls) == 2
