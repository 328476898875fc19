from hypothesis import given
from hypothesis import strategies as st

from app.engines.formula.cas import cas_check_digit, is_valid_cas, normalize_cas, split_cas_cell


def test_check_digit_valid_and_invalid() -> None:
    assert is_valid_cas("56-81-5")
    assert not is_valid_cas("56-81-6")
    assert is_valid_cas("7732-18-5")
    assert cas_check_digit("7732185"[:-1]) == 5


def test_normalisation_of_spacing_and_dashes() -> None:
    assert normalize_cas(" 56 - 81 - 5 ") == "56-81-5"
    assert normalize_cas("56–81–5") == "56-81-5"
    assert normalize_cas("CAS No.: 122-99-6") == "122-99-6"
    assert normalize_cas("56815") == "56-81-5"
    assert normalize_cas("-") is None
    assert normalize_cas("") is None
    assert is_valid_cas("56‑81‑5")


def test_malformed_numbers_are_invalid() -> None:
    for raw in ("5-81-5", "56-8-5", "abc", None, "12345678-12-1"):
        assert not is_valid_cas(raw)


def test_split_multi_valued_cell() -> None:
    assert split_cas_cell("10191-41-0 / 59-02-9,\n54-28-4") == ["10191-41-0", "59-02-9", "54-28-4"]
    assert split_cas_cell("-") == []


@given(st.text())
def test_cas_functions_never_raise(text: str) -> None:
    is_valid_cas(text)
    split_cas_cell(text)
