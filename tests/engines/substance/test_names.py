"""The one name normaliser: idempotent; folds width, dashes and case (formula and regulatory)."""

from hypothesis import given
from hypothesis import strategies as st

from app.engines.regulatory.index import name_key
from app.engines.substance import compact_name, normalize_name


def test_name_table() -> None:
    assert normalize_name("  Butylene  glycol ") == "BUTYLENE GLYCOL"
    assert normalize_name("Ｇｌｙｃｅｒｉｎ") == "GLYCERIN"
    assert normalize_name("C12 \u2013 15 Alkyl Benzoate") == "C12-15 ALKYL BENZOATE"
    assert normalize_name("Glycerin*") == "GLYCERIN"
    assert compact_name("PEG-40 Hydrogenated Castor Oil") == "PEG40HYDROGENATEDCASTOROIL"
    assert name_key("2-Methoxyethanol") == "2-methoxyethanol"


@given(st.text())
def test_normalize_name_is_idempotent(text: str) -> None:
    once = normalize_name(text)
    assert normalize_name(once) == once
