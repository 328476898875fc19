"""Safety service: all sources down, and the SA-only confirm of an open Item 10 draft."""

import pytest

from app.core.errors import Conflict
from app.engines.safety import RegulatoryStatus, assess_formula
from app.integrations.toxicology import Endpoint, SourceResult
from app.models.enums import Role
from app.schemas.product_description import ProductDescription
from app.services.toxicology.safety import (
    FormulaInput,
    engine_input,
    open_points,
    require_sa_for_open_draft,
)

DOWN = [SourceResult.unavailable(s, "timeout") for s in ("pubchem", "echa", "comptox")]


def test_all_sources_down_sa_must_resolve() -> None:
    lines = [FormulaInput(str(i), f"Ingredient {i}", None, 1.0) for i in range(5)]
    inputs = [engine_input(line, RegulatoryStatus(), DOWN) for line in lines]
    result = assess_formula(None, inputs)
    assert result.decision_label == "SA must resolve"
    for v in result.lines:
        assert v.verdict.value == "data_gap" and v.basis_label
        assert "temporarily unavailable" in " ".join(p.message for p in v.review_points).lower()
        assert "no data" not in v.basis_label.lower()


def test_comptox_noael_becomes_an_epa_candidate() -> None:
    result = SourceResult(
        source="comptox",
        status="ok",
        identifiers={"dtxsid": "DTXSID-fixture"},
        citation="EPA CompTox fixture",
        endpoints=[
            Endpoint(name="noael", value=80, unit="mg/kg-day", source="EPA ToxValDB fixture"),
            Endpoint(name="noael", value=5, unit="mg/kg-day", qualifier=">", source="x"),
            Endpoint(name="loael", value=1, unit="mg/kg-day", source="y"),
        ],
    )
    line = engine_input(FormulaInput("1", "X", None, 1.0), RegulatoryStatus(), [result])
    assert [(c.value, c.origin) for c in line.noael_candidates] == [(80, "epa")]
    body = ProductDescription.model_validate({"form": "leave_on", "areas": ["body"]})
    v = assess_formula(body, [line]).lines[0]
    assert v.verdict.value == "acceptable" and v.basis_label.startswith("NOAEL 80 mg/kg bw/day")


def test_open_draft_needs_the_sa() -> None:
    draft = {
        "safety": {"lines": [{"inci": "X", "verdict": "data_gap", "primary_reason": "data_gap"}]}
    }
    assert open_points(draft) == ["X: data_gap (data_gap)"]
    with pytest.raises(Conflict) as err:
        require_sa_for_open_draft(Role.MEMBER, draft)
    assert err.value.code == "sa_must_resolve" and err.value.details == {
        "reasons": open_points(draft)
    }
    require_sa_for_open_draft(Role.SA, draft)
    done = {"safety": {"lines": [{"inci": "X", "verdict": "acceptable"}]}}
    require_sa_for_open_draft(Role.MEMBER, done)


@pytest.mark.parametrize(
    ("category", "dosage_form", "expected"),
    [
        ("general", "cream", None),  # "cream" never implies face: whole-body fallback
        ("general", "face cream", None),
        ("lip", "cream", ("leave_on", ["lips"])),
    ],
)
def test_description_from_category_never_from_dosage_text(
    category: str, dosage_form: str, expected: tuple[str, list[str]] | None
) -> None:
    from app.models import Product
    from app.services.toxicology.safety import description_for

    product = Product(name="x", category=category, dosage_form=dosage_form)
    found = description_for(product)
    if expected is None:
        assert found is None
    else:
        assert found is not None
        assert (found.form.value, [a.value for a in found.areas]) == expected
