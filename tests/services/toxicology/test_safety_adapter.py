"""The safety engine over the regulatory check (adapter): both always agree (spec 06 §3, §6, §9)."""

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.engines.regulatory import RegulatedEntry, ScopedLimit
from app.integrations.toxicology import Endpoint, SourceResult
from app.schemas.product_description import ProductDescription
from app.services.toxicology.regulatory_adapter import UNKNOWN_PRODUCT
from app.services.toxicology.safety import FormulaInput, assess_lines
from tests.safety_support import FixedRules

pytestmark = pytest.mark.infra
BODY = ProductDescription.model_validate({"form": "leave_on", "areas": ["body"]})


def _limit(pct: float) -> tuple[ScopedLimit, ...]:
    return (ScopedLimit("", "", frozenset(), pct),)


ENTRIES = [
    RegulatedEntry(
        jurisdiction="TW",
        list_type="restricted",
        annex="",
        ref_no="fx-ms",
        chemical_name="Methyl salicylate",
        inci_name="Methyl Salicylate",
        cas_numbers=("119-36-8",),
        limits=_limit(1.0),
        max_concentration_pct=1.0,
        citation="fixture TW limit 1 %",
    ),
    RegulatedEntry(
        jurisdiction="EU",
        list_type="restricted",
        annex="III",
        ref_no="fx-ms",
        chemical_name="Methyl salicylate",
        inci_name="Methyl Salicylate",
        cas_numbers=("119-36-8",),
        limits=_limit(0.06),
        max_concentration_pct=0.06,
        citation="fixture EU Annex III (a) 0.06 %",
    ),
    RegulatedEntry(
        jurisdiction="EU",
        list_type="restricted",
        annex="III",
        ref_no="fx-guard",
        chemical_name="Guard substance",
        inci_name="Guard Substance",
        limits=_limit(1.0),
        max_concentration_pct=1.0,
        citation="fixture EU 1 %",
    ),
    RegulatedEntry(
        jurisdiction="EU",
        list_type="restricted",
        annex="III",
        ref_no="fx-menthol",
        chemical_name="Menthol",
        inci_name="Menthol",
        disclosure_leave_on_pct=0.001,
        disclosure_rinse_off_pct=0.01,
        citation="fixture EU Annex III disclosure",
    ),
]
NOAEL = SourceResult(
    source="comptox",
    status="ok",
    identifiers={"dtxsid": "DTXSID-fx"},
    citation="fixture",
    endpoints=[
        Endpoint(
            name="noael", value=3.9, unit="mg/kg-day", source="EPA ToxValDB DTXSID-fx (fixture)"
        )
    ],
)


async def test_methyl_salicylate_guard_and_menthol(owner_session: AsyncSession) -> None:
    lines = [
        FormulaInput("ms", "Methyl Salicylate", "119-36-8", 1.0),
        FormulaInput("guard", "Guard Substance", None, 5.0),
        FormulaInput("menthol", "Menthol", None, 12.0),
    ]
    result = await assess_lines(owner_session, FixedRules(ENTRIES), BODY, lines, [[NOAEL], [], []])
    ms, guard, menthol = result.lines
    # TW limit met -> the EU finding is advisory; the MoS from the cited NOAEL decides
    assert ms.verdict.value == "insufficient_margin"
    assert ms.mos == pytest.approx(3.9 / (123.20 * 0.01 * 0.5))
    assert any("Advisory" in a for a in ms.advisories)
    assert guard.verdict.value == "non_compliant" and "fixture EU 1 %" in guard.basis_label
    assert menthol.verdict.value != "non_compliant"
    assert any("labelling threshold" in a for a in menthol.advisories)


def test_unknown_product_is_checked_as_leave_on_body() -> None:
    assert UNKNOWN_PRODUCT.form.value == "leave_on" and UNKNOWN_PRODUCT.areas[0].value == "body"
