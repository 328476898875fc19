import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engines.formula.concentration import parse_concentration


@pytest.mark.parametrize(
    ("raw", "value", "kind"),
    [
        ("5", 5.0, "number"),
        ("5%", 5.0, "number"),
        ("5 % w/w", 5.0, "number"),
        ("0.5% w/w", 0.5, "number"),
        ("5,25", 5.25, "number"),
        (2.5, 2.5, "number"),
        ("1-5%", 5.0, "range"),
        ("1–5 %", 5.0, "range"),
        ("1,5 ~ 2,5", 2.5, "range"),
        ("<0.1", 0.1, "less_than"),
        ("≤ 0,1 %", 0.1, "less_than"),
        ("500 ppm", 0.05, "number"),
        ("q.s.", None, "qs"),
        ("QS", None, "qs"),
        ("q.s. to 100", None, "qs"),
        ("ad 100", None, "qs"),
        ("適量", None, "qs"),
        ("Balance", None, "qs"),
        ("", None, "empty"),
        ("-", None, "empty"),
        (None, None, "empty"),
        ("150", None, "invalid"),
        ("abc", None, "invalid"),
    ],
)
def test_parse(raw: object, value: float | None, kind: str) -> None:
    parsed = parse_concentration(raw)
    assert parsed.kind == kind
    assert parsed.value == (pytest.approx(value) if value is not None else None)


def test_range_keeps_lower_bound_and_comma_flag() -> None:
    parsed = parse_concentration("1,5-2,5 %")
    assert parsed.lower == 1.5 and parsed.comma_decimal


def test_number_amid_text_is_noisy() -> None:
    parsed = parse_concentration("approx. 5")
    assert parsed.value == 5.0 and parsed.noisy


@given(st.one_of(st.text(), st.floats(allow_nan=True), st.integers(), st.none()))
def test_never_raises(raw: object) -> None:
    parsed = parse_concentration(raw)
    assert parsed.value is None or 0.0 <= parsed.value <= 100.0
