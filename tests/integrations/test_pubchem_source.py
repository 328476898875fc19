from collections.abc import Callable

import httpx

from app.integrations.toxicology import PubChemSource, SourceStatus, SubstanceRef

ClientFactory = Callable[..., httpx.AsyncClient]  # the `mock_client` fixture
HOSTS = ["pubchem.ncbi.nlm.nih.gov"]
PHENOXYETHANOL = SubstanceRef(inci_name="Phenoxyethanol", cas="122-99-6")

PROPERTY_TABLE = {
    "PropertyTable": {
        "Properties": [
            {
                "CID": 31236,
                "MolecularFormula": "C8H10O2",
                "MolecularWeight": "138.16",
                "SMILES": "C1=CC=C(C=C1)OCCO",
                "ConnectivitySMILES": "C1=CC=C(C=C1)OCCO",
                "IUPACName": "2-phenoxyethanol",
                "XLogP": 1.2,
            }
        ]
    }
}
NOT_FOUND = {"Fault": {"Code": "PUGREST.NotFound", "Message": "No CID found"}}
VIEW_NOT_FOUND = {"Fault": {"Code": "PUGVIEW.NotFound", "Message": "No data found"}}


def _info(ref: int, strings: list[str], name: str | None = None) -> dict[str, object]:
    info: dict[str, object] = {
        "ReferenceNumber": ref,
        "Value": {"StringWithMarkup": [{"String": s} for s in strings]},
    }
    return {**info, "Name": name} if name else info


def _section(
    heading: str, *, sections: list[object] | None = None, information: list[object] | None = None
) -> dict[str, object]:
    return {"TOCHeading": heading, "Section": sections or [], "Information": information or []}


NOTIFICATIONS = "Aggregated GHS information provided per 2150 reports by companies from 42 "
GHS_VIEW = {
    "Record": {
        "RecordType": "CID",
        "RecordNumber": 31236,
        "RecordTitle": "2-Phenoxyethanol",
        "Section": [
            _section(
                "Safety and Hazards",
                sections=[
                    _section(
                        "Hazards Identification",
                        sections=[
                            _section(
                                "GHS Classification",
                                information=[
                                    _info(14, ["Warning"], "Signal"),
                                    _info(
                                        14,
                                        [
                                            "H302 (99.6%): Harmful if swallowed [Warning Acute "
                                            "toxicity, oral]",
                                            "H319 (99.8%): Causes serious eye irritation [Warning "
                                            "Serious eye damage/eye irritation]",
                                        ],
                                        "GHS Hazard Statements",
                                    ),
                                    _info(
                                        14,
                                        ["P264, P270, P280, P301+P317, P305+P351+P338, and P501"],
                                        "Precautionary Statement Codes",
                                    ),
                                    _info(14, [NOTIFICATIONS], "ECHA C&L Notifications Summary"),
                                ],
                            )
                        ],
                    )
                ],
            )
        ],
        "Reference": [
            {
                "ReferenceNumber": 14,
                "SourceName": "European Chemicals Agency (ECHA)",
                "SourceID": "33477",
                "Name": "2-phenoxyethanol",
                "URL": "https://echa.europa.eu/information-on-chemicals/cl-inventory-database/-/discli/details/33477",
            }
        ],
    }
}
# ChemIDplus acute data ("Acute Effects") arrives as an external table: nothing to read there
CHEMIDPLUS_TABLE = {
    "ReferenceNumber": 5,
    "Value": {"ExternalTableName": "chemidplus", "ExternalTableNumRows": 12},
}
TOXICITY_VIEW = {
    "Record": {
        "RecordType": "CID",
        "RecordNumber": 31236,
        "Section": [
            _section(
                "Toxicity",
                sections=[
                    _section(
                        "Toxicological Information",
                        sections=[
                            _section(
                                "Non-Human Toxicity Values",
                                information=[
                                    _info(20, ["LD50 Rat oral 1.26 g/kg"]),
                                    _info(20, ["LD50 Rabbit dermal 5 ml/kg"]),
                                    _info(21, ["LD50 Mouse ip 1,000-2,000 mg/kg"]),
                                ],
                            )
                        ],
                    ),
                    _section("Acute Effects", information=[CHEMIDPLUS_TABLE]),
                ],
            )
        ],
        "Reference": [
            {
                "ReferenceNumber": 20,
                "SourceName": "Hazardous Substances Data Bank (HSDB)",
                "URL": "https://pubchem.ncbi.nlm.nih.gov/source/hsdb/5595",
            },
            {"ReferenceNumber": 21, "SourceName": "ChemIDplus"},
        ],
    }
}


class FakePubChem:
    """Answers like PubChem: property lookup by name (POST form), PUG View by heading."""

    def __init__(self, known_names: set[str], *, ghs: object = GHS_VIEW) -> None:
        self.known_names = known_names
        self.ghs = ghs
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path.startswith("/rest/pug/compound/name/property/"):
            name = request.content.decode().removeprefix("name=")
            if name in self.known_names:
                return httpx.Response(200, json=PROPERTY_TABLE)
            return httpx.Response(404, json=NOT_FOUND)
        heading = request.url.params["heading"]
        if heading == "GHS Classification":
            return httpx.Response(200 if self.ghs else 404, json=self.ghs or VIEW_NOT_FOUND)
        return httpx.Response(200, json=TOXICITY_VIEW)


async def test_full_lookup_returns_cited_properties_hazards_and_ld50(
    mock_client: ClientFactory,
) -> None:
    fake = FakePubChem({"122-99-6"})
    result = await PubChemSource(mock_client(fake, hosts=HOSTS)).fetch(PHENOXYETHANOL)

    assert result.status is SourceStatus.OK
    assert result.identifiers == {"cid": "31236"}
    assert result.citation == "PubChem CID 31236"
    assert result.properties == {
        "molecular_formula": "C8H10O2",
        "molecular_weight": 138.16,
        "xlogp": 1.2,
        "smiles": "C1=CC=C(C=C1)OCCO",
        "iupac_name": "2-phenoxyethanol",
    }
    assert result.hazard_codes == ["H302", "H319"]
    ghs, oral, dermal, ip = result.endpoints
    assert ghs.name == "ghs_classification" and ghs.rating == "H302, H319"
    assert ghs.source == "PubChem CID 31236 (European Chemicals Agency (ECHA))"
    assert (oral.name, oral.value, oral.unit, oral.species, oral.route) == (
        "acute_toxicity_oral_ld50",
        1260.0,
        "mg/kg",
        "rat",
        "oral",
    )
    assert oral.source == "PubChem CID 31236 (Hazardous Substances Data Bank (HSDB))"
    assert oral.reference_url == "https://pubchem.ncbi.nlm.nih.gov/source/hsdb/5595"
    assert oral.raw_text == "LD50 Rat oral 1.26 g/kg"
    assert (dermal.value, dermal.unit, dermal.species) == (5.0, "mL/kg", "rabbit")
    assert (ip.route, ip.value, ip.qualifier) == ("intraperitoneal", 1000.0, "range")
    assert all(e.source.startswith("PubChem CID 31236") for e in result.endpoints)
    assert [r.url.params.get("heading") for r in fake.requests] == [
        None,
        "GHS Classification",
        "Toxicity",
    ]
    assert fake.requests[0].content == b"name=122-99-6"


async def test_unknown_cas_falls_back_to_the_inci_name(mock_client: ClientFactory) -> None:
    fake = FakePubChem({"Phenoxyethanol"})
    source = PubChemSource(mock_client(fake, hosts=HOSTS), include_safety=False)
    result = await source.fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.OK and result.identifiers["cid"] == "31236"
    assert [r.content for r in fake.requests] == [b"name=122-99-6", b"name=Phenoxyethanol"]


async def test_unknown_substance_is_no_data(mock_client: ClientFactory) -> None:
    fake = FakePubChem(set())
    result = await PubChemSource(mock_client(fake, hosts=HOSTS)).fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.NO_DATA
    assert result.note == "no data in this source"
    assert result.endpoints == [] and result.properties == {}


async def test_missing_ghs_section_is_not_an_error(mock_client: ClientFactory) -> None:
    fake = FakePubChem({"122-99-6"}, ghs=None)
    result = await PubChemSource(mock_client(fake, hosts=HOSTS)).fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.OK
    assert result.hazard_codes == []
    assert {e.name for e in result.endpoints} == {
        "acute_toxicity_oral_ld50",
        "acute_toxicity_dermal_ld50",
        "acute_toxicity_intraperitoneal_ld50",
    }


async def test_503_twice_is_unavailable(mock_client: ClientFactory) -> None:
    calls: list[httpx.Request] = []

    def busy(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503, text="PUGREST.ServerBusy")

    source = PubChemSource(mock_client(busy, hosts=HOSTS), backoff=0.01)
    result = await source.fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.UNAVAILABLE
    assert "503" in (result.error or "")
    assert len(calls) == 2  # one try plus one retry


async def test_503_then_success_recovers_on_the_retry(mock_client: ClientFactory) -> None:
    fake = FakePubChem({"122-99-6"})
    answers = iter([httpx.Response(503)])

    def flaky(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or fake(request)

    source = PubChemSource(mock_client(flaky, hosts=HOSTS), backoff=0.01, include_safety=False)
    result = await source.fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.OK


async def test_timeout_is_unavailable_after_one_retry(mock_client: ClientFactory) -> None:
    calls: list[httpx.Request] = []

    def slow(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        # what the network transport raises once the 5 s read timeout expires
        raise httpx.ReadTimeout("timed out", request=request)

    source = PubChemSource(mock_client(slow, hosts=HOSTS), backoff=0.01)
    result = await source.fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.UNAVAILABLE
    assert result.error is not None and result.error.startswith("ReadTimeout")
    assert len(calls) == 2


async def test_client_without_pubchem_on_the_allow_list_is_unavailable(
    mock_client: ClientFactory,
) -> None:
    fake = FakePubChem({"122-99-6"})
    result = await PubChemSource(mock_client(fake, hosts=["example.org"])).fetch(PHENOXYETHANOL)
    assert result.status is SourceStatus.UNAVAILABLE
    assert "HostNotAllowedError" in (result.error or "")
    assert fake.requests == []


class CountingLimiter:
    def __init__(self) -> None:
        self.acquired = 0

    async def acquire(self) -> None:
        self.acquired += 1


async def test_every_request_including_retries_takes_a_limiter_slot(
    mock_client: ClientFactory,
) -> None:
    fake = FakePubChem({"122-99-6"})
    answers = iter([httpx.Response(503)])
    limiter = CountingLimiter()
    client = mock_client(lambda r: next(answers, None) or fake(r), hosts=HOSTS)
    await PubChemSource(client, limiter=limiter, backoff=0.01).fetch(PHENOXYETHANOL)
    assert limiter.acquired == 4  # 503 + retry of the property call, then two PUG View calls
