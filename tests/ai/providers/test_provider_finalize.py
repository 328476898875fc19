"""The provider-independent post-checks and the price table."""

from __future__ import annotations

from typing import Any

import pytest

from app.ai.providers import cost_usd, finalize_extraction, price_for
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.models import FormulaExtractionResult


def draft(rows: list[tuple[str, str | None, float | None, list[str]]], total: float) -> Any:
    return FormulaExtractionResult.model_validate(
        {
            "ingredients": [
                {
                    "raw_name": name,
                    "inci_name": name,
                    "cas": cas,
                    "concentration_pct": pct,
                    "function": None,
                    "zh_name": None,
                    "sort_order": i,
                    "confidence": {"inci_name": 1.0, "cas": 1.0, "concentration_pct": 1.0},
                    "flags": flags,
                }
                for i, (name, cas, pct, flags) in enumerate(rows, start=1)
            ],
            "total_pct": total,
            "confidence": 1.0,
        }
    )


def test_cas_problems_lower_confidence(starter: IngredientDictionary) -> None:
    result = finalize_extraction(
        draft(
            [
                ("Glycerin", "56-81-5", 50.0, []),
                ("Phenoxyethanol", "56-81-5", 30.0, []),  # glycerin's CAS: mismatch
                ("Squalane", "111-01-4", 15.0, []),  # wrong check digit
                ("Water", "77 32-18-5", 5.0, []),  # spaces normalised
            ],
            100.0,
        ),
        starter,
    )
    rows = {r.inci_name: r for r in result.ingredients}
    assert "cas_mismatch" in rows["PHENOXYETHANOL"].flags
    assert rows["PHENOXYETHANOL"].confidence.cas == 0.4
    assert "cas_checksum_invalid" in rows["SQUALANE"].flags
    assert rows["WATER"].cas == "7732-18-5" and rows["WATER"].flags == []
    assert result.confidence == 0.1


def test_unknown_names_and_bad_values_are_flagged(starter: IngredientDictionary) -> None:
    result = finalize_extraction(
        draft([("Zzqx Invented", None, 99.0, []), ("Glycerin", None, 140.0, [])], 100.0), starter
    )
    invented = next(r for r in result.ingredients if r.raw_name == "Zzqx Invented")
    assert "unmatched" in invented.flags and invented.confidence.inci_name == 0.3
    glycerin = next(r for r in result.ingredients if r.inci_name == "GLYCERIN")
    assert "concentration_invalid" in glycerin.flags
    assert glycerin.confidence.concentration_pct == 0.0


def test_total_is_recomputed_unless_mixture_shares_explain_it() -> None:
    plain = finalize_extraction(
        draft([("Water", None, 90.0, []), ("Glycerin", None, 3.0, [])], 100)
    )
    assert plain.total_pct == 93.0 and [w.code for w in plain.warnings] == ["total_out_of_range"]
    mixed = finalize_extraction(
        draft([("Water", None, 90.0, []), ("Cetearyl Alcohol", None, None, ["mixture_part"])], 100)
    )
    assert mixed.total_pct == 100 and mixed.warnings == []


def test_rows_are_resorted_with_unknown_values_kept_after_their_predecessor() -> None:
    result = finalize_extraction(
        draft(
            [
                ("Glycerin", None, 5.0, []),
                ("Cetearyl Alcohol", None, None, ["mixture_part"]),
                ("Water", None, 95.0, []),
            ],
            100,
        )
    )
    assert [r.raw_name for r in result.ingredients] == ["Water", "Glycerin", "Cetearyl Alcohol"]
    assert [r.sort_order for r in result.ingredients] == [1, 2, 3]
    assert [w.code for w in result.warnings] == ["not_descending"]


def test_duplicates_are_flagged(starter: IngredientDictionary) -> None:
    result = finalize_extraction(
        draft([("Water", None, 50.0, []), ("Aqua", None, 50.0, [])], 100), starter
    )
    assert all("duplicate" in r.flags for r in result.ingredients)
    assert [w.code for w in result.warnings] == ["duplicates"]


def test_prices_are_list_prices_with_cache_multipliers() -> None:
    assert price_for("claude-haiku-4-5-20251001") == price_for("claude-haiku-4-5")
    assert price_for("claude-sonnet-5-5") is None  # never guessed from a neighbour
    assert cost_usd("unknown-model", input_tokens=10, output_tokens=10) is None
    cost = cost_usd(
        "claude-sonnet-5",
        input_tokens=1_000_000,
        output_tokens=1_000_000,
        cache_read_tokens=1_000_000,
        cache_creation_tokens=1_000_000,
    )
    assert cost == pytest.approx(2 + 10 + 0.2 + 2.5)


def test_phase_order_is_not_flagged_but_a_rise_inside_a_phase_is() -> None:
    rows: list[tuple[str, str | None, float | None, list[str]]] = [
        ("WATER", None, 70.0, []),
        ("GLYCERIN", None, 5.0, []),
        ("SQUALANE", None, 20.0, []),
    ]
    phased = draft(rows, 95.0)
    for row, phase in zip(phased.ingredients, ["A", "A", "B"], strict=True):
        row.phase = phase
    assert "not_descending" not in [w.code for w in finalize_extraction(phased).warnings]
    flat = finalize_extraction(draft(rows, 95.0))
    assert "not_descending" in [w.code for w in flat.warnings]
    inside = draft(rows, 95.0)
    for row, phase in zip(inside.ingredients, ["A", "B", "B"], strict=True):
        row.phase = phase
    assert "not_descending" in [w.code for w in finalize_extraction(inside).warnings]


def test_source_table_survives_finalize() -> None:
    result = draft([("WATER", None, 100.0, [])], 100.0)
    result.source_table = "sheet 'Formula'"
    result.skipped_tables = ["sheet 'Rev': skipped"]
    final = finalize_extraction(result)
    assert (final.source_table, final.skipped_tables) == (
        "sheet 'Formula'",
        ["sheet 'Rev': skipped"],
    )
