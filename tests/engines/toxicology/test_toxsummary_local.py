"""The deterministic toxicology summary and the shared safety validator."""

from __future__ import annotations

import pytest

from app.engines.toxicology import (
    SummaryValidationError,
    ToxicologySummary,
    apply_noael_ceiling,
    local_summary,
    validate_summary,
)
from app.integrations.toxicology import Endpoint, SourceResult, SourceStatus


def pubchem(codes: list[str], ld50: float | None = 1260.0) -> SourceResult:
    endpoints = [
        Endpoint(name="ghs_classification", rating=", ".join(codes), source="PubChem CID 31236")
    ]
    if ld50 is not None:
        endpoints.append(
            Endpoint(
                name="acute_toxicity_oral_ld50",
                value=ld50,
                unit="mg/kg",
                species="rat",
                route="oral",
                source="PubChem CID 31236 (HSDB)",
            )
        )
    return SourceResult(
        source="pubchem",
        status=SourceStatus.OK,
        identifiers={"cid": "31236"},
        citation="PubChem CID 31236",
        endpoints=endpoints if codes or ld50 is not None else [],
        hazard_codes=codes,
    )


def comptox(*values: float) -> SourceResult:
    return SourceResult(
        source="comptox",
        status=SourceStatus.OK,
        citation="EPA CompTox Chemicals Dashboard DTXSID9021976",
        endpoints=[
            Endpoint(
                name="noael", value=v, unit="mg/kg-day", species="rat", source=f"EPA ToxValDB #{i}"
            )
            for i, v in enumerate(values)
        ],
    )


def test_phenoxyethanol_summary_is_cited_and_conservative() -> None:
    results = [pubchem(["H302", "H319"]), comptox(500.0, 164.0), SourceResult.no_data("echa")]
    summary = local_summary(
        "Phenoxyethanol", "122-99-6", results, {"tfda_max_concentration_pct": 1.0}
    )
    e = summary.risk_endpoints
    assert summary.risk_level == "medium"
    assert (e["acute_toxicity_oral_ld50"].value, e["acute_toxicity_oral_ld50"].source) == (
        1260.0,
        "PubChem CID 31236 (HSDB)",
    )
    assert e["noael"].value == 164.0 and e["noael"].source == "EPA ToxValDB #1"  # lowest
    assert e["eye_irritation"].rating == "classified: H319"
    assert (
        e["skin_irritation"].value is None and e["skin_irritation"].note == "no data in this source"
    )
    assert e["acute_toxicity_dermal_ld50"].note == "no data in this source"
    assert "PubChem CID 31236 (HSDB)" in summary.citations
    assert summary.source_status["echa"] == "no data in this source"
    assert "1260 mg/kg" in summary.summary_en and "164 mg/kg-day" in summary.summary_en
    assert 0.1 <= summary.confidence <= 0.9
    validate_summary(summary, results, [summary.regulatory])


@pytest.mark.parametrize(
    ("codes", "level"),
    [
        (["H350"], "high"),
        (["H360FD", "H315"], "high"),
        (["H340"], "high"),
        (["H315", "H317"], "medium"),
        (["H351"], "medium"),
        (["H226", "EUH066"], "low"),  # physical hazards and EUH codes do not count
        ([], "low"),
    ],
)
def test_risk_level_rule(codes: list[str], level: str) -> None:
    assert local_summary("X", None, [pubchem(codes)]).risk_level == level


def test_no_data_anywhere_is_unknown() -> None:
    results = [SourceResult.unavailable("pubchem", "ReadTimeout"), SourceResult.no_data("echa")]
    summary = local_summary("X", None, results)
    assert summary.risk_level == "unknown" and summary.confidence == 0.0
    assert summary.sources_unavailable == ["pubchem"]
    assert "pubchem [source temporarily unavailable]" in summary.summary_en


def test_implausible_source_noael_is_dropped() -> None:
    summary = local_summary("X", None, [comptox(25000.0)])
    assert summary.risk_endpoints["noael"].value is None


def _valid() -> tuple[ToxicologySummary, list[SourceResult]]:
    results = [pubchem(["H319"])]
    return local_summary("Phenoxyethanol", "122-99-6", results), results


@pytest.mark.parametrize(
    "text",
    [
        "It is Absolutely  Safe.",
        "No risk at all for consumers.",
        "100 % safe",
        "本品完全無害",
        "絕對安全",
    ],
)
def test_forbidden_phrases_are_rejected(text: str) -> None:
    summary, results = _valid()
    with pytest.raises(SummaryValidationError, match="forbidden phrase"):
        validate_summary(summary.model_copy(update={"summary_en": text}), results)


def test_numbers_without_a_source_are_rejected() -> None:
    summary, results = _valid()
    bad = summary.model_copy(update={"summary_en": "The LD50 is 2,100 mg/kg."})
    with pytest.raises(SummaryValidationError, match="2,100"):
        validate_summary(bad, results)
    ok = summary.model_copy(update={"summary_en": "The LD50 is 1,260 mg/kg (rat)."})
    validate_summary(ok, results)


def test_uncited_endpoint_is_rejected() -> None:
    summary, results = _valid()
    endpoints = dict(summary.risk_endpoints)
    endpoints["eye_irritation"] = endpoints["eye_irritation"].model_copy(update={"source": None})
    with pytest.raises(SummaryValidationError, match="no source cited"):
        validate_summary(summary.model_copy(update={"risk_endpoints": endpoints}), results)


def test_noael_ceiling() -> None:
    summary = local_summary("X", None, [comptox(2500.0)])
    capped, dropped = apply_noael_ceiling(summary)
    assert dropped == ["noael"] and capped.risk_endpoints["noael"].value is None
    kept, none = apply_noael_ceiling(local_summary("X", None, [comptox(1500.0)]))
    assert none == [] and kept.risk_endpoints["noael"].value == 1500.0
    validate_summary(capped, [comptox(2500.0)])  # the discard note quotes no new number
