import pytest

from app.integrations.toxicology.pubchem_parse import parse_ld50


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LD50 Rat oral 1.26 g/kg", ("acute_toxicity_oral_ld50", 1260.0, "mg/kg", None, "rat")),
        (
            "LD50 Rat (male) oral 2,940 mg/kg bw",
            ("acute_toxicity_oral_ld50", 2940.0, "mg/kg", None, "rat"),
        ),
        ("LD50 Rat oral > 5000 mg/kg", ("acute_toxicity_oral_ld50", 5000.0, "mg/kg", ">", "rat")),
        (
            "LD50 Guinea pigs percutaneous 500 ug/kg",
            ("acute_toxicity_dermal_ld50", 0.5, "mg/kg", None, "guinea pig"),
        ),
        (
            "LD50 Mouse i.v. 120 mg/kg",
            ("acute_toxicity_intravenous_ld50", 120.0, "mg/kg", None, "mouse"),
        ),
        ("LD50 Rat 300 mg/kg", ("acute_toxicity_ld50", 300.0, "mg/kg", None, "rat")),
    ],
)
def test_parse_ld50(text: str, expected: tuple[object, ...]) -> None:
    endpoint = parse_ld50(text, "PubChem CID 1")
    assert endpoint is not None
    assert (endpoint.name, endpoint.value, endpoint.unit, endpoint.qualifier, endpoint.species) == (
        expected
    )
    assert endpoint.raw_text == text and endpoint.source == "PubChem CID 1"


@pytest.mark.parametrize(
    "text",
    ["LD50 Rat oral: no data", "LD50 Mouse oral 0,5 g/kg", "LD50 value withheld"],
)
def test_parse_ld50_never_invents_a_number(text: str) -> None:
    assert parse_ld50(text, "PubChem CID 1") is None
