"""SCCS exposure rows and the product-description mapping (spec 06 §1)."""

import json

import pytest

from app.engines.safety import FALLBACK_NOTE, exposure_for
from app.engines.safety.exposure import EXPOSURE_PATH
from app.schemas.product_description import ProductDescription


def _d(**kw: object) -> ProductDescription:
    return ProductDescription.model_validate(kw)


def test_every_row_carries_source_text() -> None:
    data = json.loads(EXPOSURE_PATH.read_text())
    assert data["version"] and data["citation"] and data["source_url"]
    for row in data["rows"]:
        assert row["source_text"] and row["table"] in ("3A", "3B")
        # the transcribed E value is the last figure of the source text
        assert str(row["exposure_mg_kg_bw_day"]).rstrip("0").rstrip(".") in row["source_text"]


@pytest.mark.parametrize(
    ("description", "row", "value"),
    [
        ({"form": "leave_on", "areas": ["body"]}, "body_lotion", 123.20),
        ({"form": "leave_on", "areas": ["face"]}, "face_cream", 24.14),
        ({"form": "leave_on", "areas": ["face", "body"]}, "body_lotion", 123.20),
        ({"form": "leave_on", "areas": ["hands"]}, "hand_cream", 32.70),
        ({"form": "rinse_off", "areas": ["hair"]}, "shampoo", 1.51),
        ({"form": "rinse_off", "areas": ["body"]}, "shower_gel", 2.79),
        ({"form": "leave_on", "areas": ["lips"], "kind": "lip_product"}, "lipstick", 0.90),
        ({"form": "rinse_off", "areas": ["oral"], "kind": "toothpaste"}, "toothpaste", 2.16),
        (
            {
                "form": "leave_on",
                "areas": ["underarm"],
                "kind": "deodorant_antiperspirant",
                "presentation": "propellant_spray",
            },
            "deodorant_spray",
            10.00,
        ),
    ],
)
def test_mapping(description: dict[str, object], row: str, value: float) -> None:
    exposure = exposure_for(_d(**description))
    assert (exposure.row_id, exposure.value, exposure.fallback) == (row, value, False)
    assert "SCCS/1647/22" in exposure.source


@pytest.mark.parametrize(
    "description",
    [None, {"form": "leave_on", "areas": ["eye_area"]}, {"form": "leave_on", "areas": ["feet"]}],
)
def test_fallback_is_whole_body(description: dict[str, object] | None) -> None:
    exposure = exposure_for(_d(**description) if description else None)
    assert exposure.fallback and exposure.row_id == "body_lotion" and exposure.value == 123.20
    assert exposure.note == FALLBACK_NOTE
    assert "conservative whole-body" in FALLBACK_NOTE and "dosage form" in FALLBACK_NOTE
