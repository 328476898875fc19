"""Table and property tests for the one CAS normaliser (extraction, regulatory matching, MCP)."""

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from app.engines.substance import (
    cas_check_digit,
    clean_cas_text,
    first_valid_cas,
    is_valid_cas,
    normalize_cas,
    split_cas_cell,
    valid_cas_numbers,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("56-81-5", "56-81-5"),
        ("56815", "56-81-5"),  # dashes lost in a PDF
        (" 56 - 81 - 5 ", "56-81-5"),
        ("56\u201381\u20135", "56-81-5"),  # en dash
        ("56\u201481\u20145", "56-81-5"),  # em dash
        ("56\u201181\u20115", "56-81-5"),  # non-breaking hyphen
        ("\uff15\uff16\uff0d\uff18\uff11\uff0d\uff15", "56-81-5"),  # full width
        ("0000050-00-0", "50-00-0"),  # zero-padded export
        ("007732-18-5", "7732-18-5"),
        ("CAS No.: 122-99-6", "122-99-6"),
        ("CAS RN 7732-18-5", "7732-18-5"),
        ("56-81-6", "56-81-6"),  # shape only: the check digit is is_valid_cas's job
        ("-", None),
        ("", None),
        (None, None),
        ("n/a", None),
        ("abc", None),
        ("5-81-5", None),
        ("56-8-5", None),
        ("12345678-12-1", None),
        ("200-001-8", None),  # an EC number, not a CAS number
    ],
)
def test_normalize_cas_table(raw: str | None, expected: str | None) -> None:
    assert normalize_cas(raw) == expected


@pytest.mark.parametrize(
    ("raw", "valid"),
    [
        ("56-81-5", True),
        ("56815", True),
        ("7732-18-5", True),
        ("109-86-4", True),
        ("0000050-00-0", True),
        ("56\u201181\u20115", True),
        ("56-81-6", False),
        ("109-86-5", False),
        ("abc", False),
        (None, False),
        ("12345678-12-1", False),
    ],
)
def test_is_valid_cas_table(raw: str | None, valid: bool) -> None:
    assert is_valid_cas(raw) is valid


def test_check_digit() -> None:
    assert cas_check_digit("773218") == 5
    assert cas_check_digit("5681") == 5


def test_split_multi_valued_cells() -> None:
    assert split_cas_cell("10191-41-0 / 59-02-9,\n54-28-4") == ["10191-41-0", "59-02-9", "54-28-4"]
    assert split_cas_cell("138-86-3/ 7705-14-8; 5989-27-5; 5989-54-8") == [
        "138-86-3",
        "7705-14-8",
        "5989-27-5",
        "5989-54-8",
    ]
    assert split_cas_cell("13463-67-7[1]\n1317-70-0 [2]") == ["13463-67-7", "1317-70-0"]
    assert split_cas_cell("56815") == ["56-81-5"]
    assert split_cas_cell("56-81-5 / 56-81-5") == ["56-81-5"]
    assert split_cas_cell("-") == []
    assert split_cas_cell(None) == []


def test_valid_numbers_keep_only_correct_check_digits() -> None:
    assert valid_cas_numbers("109-86-5, 109-86-4") == ("109-86-4",)
    assert first_valid_cas("109-86-5, 109-86-4") == "109-86-4"
    assert first_valid_cas("56815") == "56-81-5"
    assert first_valid_cas("nothing") is None


def test_clean_text_keeps_what_the_document_said() -> None:
    assert clean_cas_text(" CAS: abc 12 ") == "abc12"
    assert clean_cas_text("—") is None


def _cas_strategy() -> st.SearchStrategy[str]:
    body = st.integers(min_value=10, max_value=9_999_999).map(str)
    mid = st.integers(min_value=0, max_value=99).map(lambda n: f"{n:02d}")
    return st.tuples(body, mid).map(lambda t: f"{t[0]}-{t[1]}-{cas_check_digit(t[0] + t[1])}")


@given(_cas_strategy())
def test_every_generated_cas_is_valid_and_a_fixed_point(cas: str) -> None:
    assert normalize_cas(cas) == cas
    assert normalize_cas(normalize_cas(cas)) == cas
    assert is_valid_cas(cas)
    assert split_cas_cell(cas) == [cas]


@given(_cas_strategy(), st.sampled_from(["-", "\u2013", "\u2014", "\u2212", " - ", "\uff0d"]))
def test_dash_and_width_variants_normalise_to_the_same_number(cas: str, dash: str) -> None:
    variant = cas.replace("-", dash)
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in cas)
    assert normalize_cas(variant) == cas
    assert normalize_cas(wide) == cas
    assert normalize_cas(cas.replace("-", "")) == cas
    assert normalize_cas("00" + cas) == cas


@given(_cas_strategy(), st.integers(min_value=1, max_value=9))
def test_a_wrong_check_digit_is_rejected(cas: str, shift: int) -> None:
    body, _, check = cas.rpartition("-")
    wrong = f"{body}-{(int(check) + shift) % 10}"
    assert normalize_cas(wrong) == wrong
    assert not is_valid_cas(wrong)


@given(st.lists(_cas_strategy(), min_size=1, max_size=5), st.sampled_from([" / ", ", ", ";", "\n"]))
def test_split_finds_every_number_in_a_cell(numbers: list[str], sep: str) -> None:
    assert split_cas_cell(sep.join(numbers)) == list(dict.fromkeys(numbers))


@given(st.text())
@example("56-81-5\n")
@example("CAS 56 – 81 – 5 / 56-81-5")
def test_cas_functions_never_raise(text: str) -> None:
    cas = normalize_cas(text)
    assert cas is None or normalize_cas(cas) == cas
    assert isinstance(is_valid_cas(text), bool)
    found = split_cas_cell(text)
    assert len(found) == len(set(found))
    for number in found:  # distinct, canonical, CAS-shaped: never the raw cell back
        assert re.fullmatch(r"[1-9]\d{1,6}-\d{2}-\d", number), number
        assert normalize_cas(number) == number
    valid_cas_numbers(text)
