"""Unit and property tests for the low-level text parsers."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from app.engines.regulatory.labels import split_labelled
from app.engines.regulatory.scopes import detect_scopes, product_scopes
from app.engines.regulatory.textparse import (
    disclosure_thresholds,
    parse_amounts,
    parse_decimal,
    split_disclosure,
)


def test_comma_decimals() -> None:
    assert parse_decimal("0,001") == 0.001
    assert parse_amounts("7,34 %") == [7.34]
    assert parse_amounts("0,001 %") == [0.001]
    assert parse_decimal("no number") is None


def test_amounts_skip_dates_bounds_and_impurities() -> None:
    assert parse_amounts("As from 3 September 2017: 0,5 %") == [0.5]
    assert parse_amounts("> 0,1 % ≤ 6 % of H2O2") == [6.0]
    assert parse_amounts("Maximum secondary amine content: 0.5%") == []
    assert parse_amounts("0,2% corresponding to 0,0024% of silver") == [0.2]
    assert parse_amounts("0.68% as free base (1.0% as dihydrochloride)") == [0.68]
    assert parse_amounts("(0,3 % as base)") == [0.3]
    assert parse_amounts("100 mg/kg") == [0.01]
    # "concentration" must not trip the "ratio" impurity guard (Annex V 7).
    assert parse_amounts("with a maximum concentration of 0,15 % (as phenol)") == [0.15]
    # "0 15%" is garbled in the export (III 235); it is never guessed as 15 %.
    assert parse_amounts("0 15%") == []


def test_disclosure_clause() -> None:
    text = (
        "(a) The presence of the substance shall be indicated in the list of ingredients "
        "referred to in Article 19(1), point (g), when its concentration exceeds: "
        "— 0,001 % in leave-on products — 0,01 % in rinse-off products."
    )
    before, clause = split_disclosure(text)
    assert before == "(a) "
    assert disclosure_thresholds(clause) == (0.001, 0.01)
    assert split_disclosure("5%") == ("5%", "")


def test_labels_with_sub_values() -> None:
    segs = split_labelled("(a) (i) 8%    (ii) 11% \n\n(b) 5% \n\n(c) 2%")
    assert segs == [
        (("(a)",), ""),
        (("(a)(i)",), "8%"),
        (("(a)(ii)",), "11%"),
        (("(b)",), "5%"),
        (("(c)",), "2%"),
    ]
    # "(i)" after "(h)" is the ninth category, not a roman sub-label.
    assert [s[0] for s in split_labelled("(h) 0,6 %\n(i) 0,6 %")] == [("(h)",), ("(i)",)]
    assert split_labelled("For (a) and (b): 3 %") == [(("(a)", "(b)"), "3 %")]
    assert split_labelled("(a) to (c): x")[0][0] == ("(a)", "(b)", "(c)")


def test_scopes() -> None:
    assert detect_scopes("Hair rinse-off products")[0] == {"hair", "rinse_off"}
    scopes, excluded = detect_scopes("All cosmetic products with the exception of oral products")
    assert scopes == frozenset() and excluded == {"oral"}
    assert detect_scopes("Leave-on skin products (except face makeup)")[0] == {"leave_on", "skin"}
    assert product_scopes("leave_on", "face") == {"leave_on", "face", "skin"}
    assert product_scopes(None, None) == frozenset()


@given(st.text())
def test_parsers_never_raise(text: str) -> None:
    values = parse_amounts(text)
    assert all(math.isfinite(v) and v >= 0 for v in values)
    parse_decimal(text)
    split_labelled(text)
    detect_scopes(text)


@given(
    st.integers(min_value=0, max_value=10**6),
    st.text(alphabet="0123456789", min_size=1, max_size=6),
)
def test_comma_dot_equivalence(whole: int, frac: str) -> None:
    dot, comma = f"{whole}.{frac}", f"{whole},{frac}"
    assert parse_decimal(dot) == parse_decimal(comma) == float(dot)
    assert parse_amounts(f"{comma} %") == parse_amounts(f"{dot}%") == [round(float(dot), 10)]
