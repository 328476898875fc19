"""Property: the local engine never emits a number that no SourceResult stated."""

from __future__ import annotations

import math
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.engines.toxicology import local_summary, validate_summary
from app.engines.toxicology.summary import format_number
from app.integrations.toxicology import Endpoint, SourceResult, SourceStatus

NAMES = ["acute_toxicity_oral_ld50", "acute_toxicity_dermal_ld50", "noael", "loael", "bmdl10"]
UNITS = [None, "mg/kg", "g/kg", "mg/kg-day", "ppm", "%"]
values = st.floats(min_value=0, max_value=1e7, allow_nan=False, allow_infinity=False)

numeric = st.builds(
    Endpoint,
    name=st.sampled_from(NAMES),
    value=values,
    unit=st.sampled_from(UNITS),
    species=st.sampled_from([None, "rat", "mouse", "rabbit"]),
    source=st.sampled_from(["PubChem CID 31236", "EPA ToxValDB DTXSID9021976", "ECHA 100.003"]),
)
ghs = st.builds(
    Endpoint,
    name=st.just("ghs_classification"),
    rating=st.lists(st.sampled_from(["H302", "H315", "H319", "H350", "H226"]), min_size=1).map(
        ", ".join
    ),
    source=st.just("ECHA C&L Inventory"),
)


@st.composite
def source_results(draw: st.DrawFn) -> SourceResult:
    status = draw(st.sampled_from(list(SourceStatus)))
    name = draw(st.sampled_from(["pubchem", "echa", "comptox", "echemportal"]))
    if status is SourceStatus.UNAVAILABLE:
        return SourceResult.unavailable(name, "HTTPStatusError: 503")
    if status is SourceStatus.NO_DATA:
        return SourceResult.no_data(name)
    endpoints = draw(st.lists(st.one_of(numeric, ghs), max_size=6))
    return SourceResult(source=name, status=status, endpoints=endpoints, citation=f"{name} record")


def _source_values(results: list[SourceResult]) -> set[float]:
    return {
        e.value
        for r in results
        if r.status is SourceStatus.OK
        for e in r.endpoints
        if e.value is not None
    }


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(results=st.lists(source_results(), max_size=4))
def test_local_summary_numbers_all_come_from_sources(results: list[SourceResult]) -> None:
    summary = local_summary("Phenoxyethanol", None, results, {})
    stated = _source_values(results)
    for endpoint in summary.risk_endpoints.values():
        assert endpoint.value is None or endpoint.value in stated
    # Every number in the text is one of the stated values (no CAS given, names without digits).
    ids = r"\bH\d{3}\b|ld50|bmdl10|CID \d+|DTXSID\d+|ECHA 100\.003"
    text = re.sub(ids, "", summary.summary_en, flags=re.IGNORECASE)
    for number in re.findall(r"\d+(?:\.\d+)?", text):
        assert any(math.isclose(float(number), v, rel_tol=1e-12) for v in stated), number
    assert all(format_number(v) for v in stated)
    validate_summary(summary, results)
