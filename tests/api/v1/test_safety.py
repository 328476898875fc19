"""GET /products/{id}/safety at the route boundary (spec 06 §9 acceptance cases)."""

import json
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from decimal import Decimal

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.engines.safety import ValidatedProposal
from app.models import ProductIngredient
from tests.factories import make_actor, make_product
from tests.safety_support import FIXTURE_ENTRIES, FixedRules

pytestmark = pytest.mark.infra


@pytest.fixture
def fixture_rules(app: FastAPI) -> Iterator[None]:
    original = getattr(app.state, "regulatory_checker", None)
    app.state.regulatory_checker = FixedRules(FIXTURE_ENTRIES)
    yield
    app.state.regulatory_checker = original


async def _product_with_lines(
    session: AsyncSession,
    settings: Settings,
    lines: list[tuple[str, str | None, float | None]],
    category: str = "general",
) -> tuple[uuid.UUID, dict[str, str]]:
    actor = await make_actor(session, settings)
    product = await make_product(session, actor, category=category)
    for i, (name, cas, conc) in enumerate(lines):
        session.add(
            ProductIngredient(
                org_id=actor.org_id,
                product_id=product.id,
                raw_name=name,
                inci_name=name,
                cas_number=cas,
                sort_order=i,
                concentration_pct=Decimal(str(conc)) if conc is not None else None,
            )
        )
    await session.commit()
    return product.id, actor.headers


async def test_acceptance_cases(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, fixture_rules: None
) -> None:
    product_id, headers = await _product_with_lines(
        owner_session,
        settings,
        [
            ("Estradiol", "50-28-2", 0.0001),
            ("Mercuric chloride", "7487-94-7", 0.00001),
            ("Titanium Dioxide", "13463-67-7", 30),
            ("Titanium Dioxide", "13463-67-7", 40),
            ("Titanium Dioxide", "13463-67-7", 100),
            ("Unknown substance", "0000-00-0", 1),
            ("Aqua", None, None),
        ],
    )
    response = await client.get(f"/api/v1/products/{product_id}/safety", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    lines = body["lines"]
    assert [ln["verdict"] for ln in lines] == [
        "prohibited",
        "prohibited",
        "non_compliant",
        "non_compliant",
        "non_compliant",
        "data_gap",
        "data_gap",
    ]
    assert lines[0]["basis_label"].startswith("Statutorily prohibited — NOAEL not required")
    assert "mercury" in lines[1]["basis_label"]
    for tio2 in lines[2:5]:
        assert "25 %" in tio2["basis_label"] and "fixture: TW colorant list" in tio2["basis_label"]
    # lines the check could not identify are a visible data gap, never an advisory footnote
    for unknown in lines[5:7]:
        assert unknown["primary_reason"] == "unidentified_ingredient"
        assert unknown["basis_label"].startswith("Unidentified ingredient")
        assert unknown["mos"] is None and unknown["noael"] is None
    assert all(ln["basis_label"] and "not found" not in ln["basis_label"] for ln in lines)
    assert body["decision"] == "formula_revision_required"
    assert body["decision_label"] == "Formula revision required"
    assert body["exposure"]["fallback"] is True  # a "general" product has no dosage form
    assert "conservative whole-body" in body["exposure"]["note"]
    assert {r["key"] for r in body["basis_appendix"]} >= {"mos_threshold", "read_across_af"}


async def test_recomputed_after_item3_change(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, fixture_rules: None
) -> None:
    product_id, headers = await _product_with_lines(
        owner_session, settings, [("Titanium Dioxide", "13463-67-7", 10)], category="lip"
    )
    first = (await client.get(f"/api/v1/products/{product_id}/safety", headers=headers)).json()
    assert first["lines"][0]["verdict"] != "non_compliant"
    assert first["exposure"]["row"] == "lipstick" and first["exposure"]["fallback"] is False
    row = await owner_session.get(ProductIngredient, uuid.UUID(first["lines"][0]["line_id"]))
    assert row is not None
    row.concentration_pct = Decimal("30")
    await owner_session.commit()
    second = (await client.get(f"/api/v1/products/{product_id}/safety", headers=headers)).json()
    assert second["lines"][0]["verdict"] == "non_compliant"


async def test_cross_tenant_is_404_and_no_formula_is_409(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, fixture_rules: None
) -> None:
    product_id, _ = await _product_with_lines(owner_session, settings, [("Aqua", None, 80)])
    other = await make_actor(owner_session, settings)
    response = await client.get(f"/api/v1/products/{product_id}/safety", headers=other.headers)
    assert response.status_code == 404
    empty = await make_product(owner_session, other)
    response = await client.get(f"/api/v1/products/{empty.id}/safety", headers=other.headers)
    assert response.status_code == 409
    response = await client.get(f"/api/v1/products/{uuid.uuid4()}/safety", headers=other.headers)
    assert response.status_code == 404
    response = await client.get("/api/v1/products/not-a-uuid/safety", headers=other.headers)
    assert response.status_code == 422


async def test_curated_sccs_value_is_the_tier_0_basis(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, app: FastAPI
) -> None:
    from app.engines.regulatory import RegulatedEntry, ScopedLimit

    salicylic = RegulatedEntry(
        jurisdiction="TW",
        list_type="preservative",
        annex="",
        ref_no="fixture-sa",
        chemical_name="Salicylic acid",
        inci_name="Salicylic Acid",
        cas_numbers=("69-72-7",),
        limits=(ScopedLimit("", "", frozenset(), 2.0),),
        max_concentration_pct=2.0,
        citation="fixture: TW preservative list, salicylic acid max 2 %",
    )
    original = getattr(app.state, "regulatory_checker", None)
    app.state.regulatory_checker = FixedRules([*FIXTURE_ENTRIES, salicylic])
    try:
        await _curated_case(client, owner_session, settings)
    finally:
        app.state.regulatory_checker = original


async def _curated_case(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> None:
    product_id, headers = await _product_with_lines(
        owner_session, settings, [("SALICYLIC ACID", "69-72-7", 0.5)]
    )
    body = (await client.get(f"/api/v1/products/{product_id}/safety", headers=headers)).json()
    [line] = body["lines"]
    assert line["tier"] == "0", line
    assert line["noael"]["value_mg_kg_bw_day"] == 75.0
    assert "SCCS/1601/18" in line["basis_label"] and "3.3.6" in line["noael"]["source"]
    assert line["noael"]["identifiers"]["opinion"] == "SCCS/1601/18"


async def test_analogue_proposals_are_shown_as_proposals_never_verdicts(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, fixture_rules: None
) -> None:
    """Issue 13: the Item 10 analysis's analogue proposals (its draft's `safety.proposals`)
    appear in GET …/safety with their citation, labelled as drafts for the SA."""
    product_id, headers = await _product_with_lines(
        owner_session, settings, [("Novel ester", "1000-00-1", 2.0), ("Aqua", None, None)]
    )
    url = f"/api/v1/products/{product_id}/safety"
    before = (await client.get(url, headers=headers)).json()
    assert before["proposals"] == []
    line = before["lines"][0]
    assert line["verdict"] == "data_gap"
    passed = ValidatedProposal(
        line["line_id"], "112-80-1", "Oleic acid", "anthropic", "same chain length", True,
        "cited anchor, Tanimoto 0.62 ≥ 0.50", 0.62, 25.0, "fixture: SCCS opinion, oral 90-day",
    )  # fmt: skip
    refused = ValidatedProposal(
        line["line_id"], "50-00-0", None, "anthropic", "looks similar", False,
        "not a cited anchor: no NOAEL with a source to read across",
    )  # fmt: skip
    earlier_formula = ValidatedProposal(
        str(uuid.uuid4()), "112-80-1", "Oleic acid", "local", "x", True, "ok", 0.9, 1.0, "c"
    )
    draft = {"safety": {"proposals": [asdict(p) for p in (passed, refused, earlier_formula)]}}
    await owner_session.execute(
        text(
            "UPDATE pif_documents SET status = 'ai_draft_ready', ai_draft = CAST(:d AS jsonb) "
            "WHERE product_id = :p AND item_number = 10"
        ),
        {"d": json.dumps(draft), "p": product_id},
    )
    await owner_session.commit()

    body = (await client.get(url, headers=headers)).json()
    assert "never a verdict" in body["proposals_label"]
    first, second = body["proposals"]  # the earlier formula's line is not shown
    assert first["kind"] == "analogue_proposal"
    assert first["status"] == "proposed — the SA confirms or rejects"
    assert first["inci"] == "Novel ester" and first["analogue"] == "Oleic acid"
    assert first["passed_engine_checks"] is True
    assert first["candidate_value_mg_kg_bw_day"] == 25.0
    assert first["citation"] == "fixture: SCCS opinion, oral 90-day"
    assert second["passed_engine_checks"] is False
    assert second["candidate_value_mg_kg_bw_day"] is None and second["citation"] is None
    assert second["engine_reason"].startswith("not a cited anchor")
    # a proposal decides nothing: the line keeps its verdict and has no number
    [after] = [ln for ln in body["lines"] if ln["line_id"] == line["line_id"]]
    assert after["verdict"] == "data_gap" and after["noael"] is None and after["mos"] is None
    assert body["decision"] == before["decision"]
