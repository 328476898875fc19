"""Normalised matching: NFKC, case folding, CJK compatibility ideographs, whitespace."""

import pytest

from app.engines.compliance import normalize, pick_locale
from app.engines.compliance.text import contains


@pytest.mark.parametrize(
    ("label", "needle"),
    [
        ("ＷＨＩＴＥＮＩＮＧ cream", "whitening"),  # full-width Latin
        ("Anti - Wrinkle", "anti-wrinkle"),  # case, spaces, punctuation
        ("含有 水楊酸，三歲以下 兒童 不得使用。", "含有水楊酸,三歲以下兒童不得使用"),
        ("本品\u2f54\u76ca", "水益"),  # Kangxi radical 水 (U+2F54) folds to 水
        ("\uf90a品", "金品"),  # CJK compatibility ideograph 金 (U+F90A)
    ],
)
def test_contains_on_normalised_text(label: str, needle: str) -> None:
    assert contains(label, needle)


def test_empty_needle_never_matches() -> None:
    assert not contains("anything", " ，")
    assert normalize("  A b\tC ") == "abc"


@pytest.mark.parametrize(
    ("header", "locale"),
    [
        (None, "zh-TW"),
        ("en", "en"),
        ("en-US,en;q=0.9", "en"),
        ("zh-TW,zh;q=0.9,en;q=0.8", "zh-TW"),
        ("fr, en;q=0.5", "en"),
        ("fr", "zh-TW"),
        ("zh-TW;q=0.5, en;q=0.9", "en"),
    ],
)
def test_pick_locale(header: str | None, locale: str) -> None:
    assert pick_locale(header) == locale
