"""Canonical form, fingerprints, labels, change detection and expiry (spec 05 §3–4, §8)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.engines.versions import (
    ExpiryStatus,
    FormulaLineKey,
    PackagingKey,
    ProcessKey,
    SeriousEvent,
    canonical_json,
    detect_changes,
    expiry_entries,
    fingerprints,
    next_signed_label,
    signature_hash,
)
from app.engines.versions.expiry import add_months

TODAY = date(2026, 12, 1)
FORMULA = [
    FormulaLineKey("a1", "Aqua", Decimal("70")),
    FormulaLineKey("b2", "Glycerin", Decimal("5.0")),
    FormulaLineKey(None, "Mystery Extract", None),
]
PROCESS = [ProcessKey("A", "Heat water to 75 °C"), ProcessKey("B", "Add glycerin")]
PACKAGING = [PackagingKey("bottle", "PET", "200 ml"), PackagingKey("cap", "PP", None)]


def test_canonical_json_bytes_are_pinned() -> None:
    snapshot = {"b": [1, Decimal("5.50")], "a": {"名稱": " 保濕精華液 ", "x": None, "t": True}}
    assert canonical_json(snapshot) == (
        '{"a":{"t":true,"x":null,"名稱":"保濕精華液"},"b":[1,"5.50"]}'.encode()
    )
    assert signature_hash(snapshot) == signature_hash(
        {"a": {"x": None, "t": True, "名稱": "保濕精華液"}, "b": [1, Decimal("5.50")]}
    )


def test_canonical_form_normalises_unicode_to_nfc() -> None:
    composed, decomposed = "caf\u00e9", "cafe\u0301"
    assert canonical_json({"n": composed}) == canonical_json({"n": decomposed})


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), Decimal("NaN")])
def test_canonical_form_refuses_non_finite_numbers(bad: float | Decimal) -> None:
    with pytest.raises(ValueError, match="non-finite"):
        canonical_json({"x": bad})


def test_a_0_01_concentration_change_moves_only_the_formula_fingerprint() -> None:
    before = fingerprints(FORMULA, PROCESS, PACKAGING)
    changed = [FORMULA[0], FormulaLineKey("b2", "Glycerin", Decimal("5.01")), FORMULA[2]]
    after = fingerprints(changed, PROCESS, PACKAGING)
    assert after.formula_fingerprint != before.formula_fingerprint
    assert after.process_fingerprint == before.process_fingerprint
    assert after.packaging_fingerprint == before.packaging_fingerprint


def test_row_order_does_not_matter_but_process_order_does() -> None:
    base = fingerprints(FORMULA, PROCESS, PACKAGING)
    shuffled = fingerprints(FORMULA[::-1], PROCESS, PACKAGING[::-1])
    assert shuffled == base
    reordered = fingerprints(FORMULA, PROCESS[::-1], PACKAGING)
    assert reordered.process_fingerprint != base.process_fingerprint


def test_equal_amounts_written_differently_share_a_fingerprint() -> None:
    a = fingerprints([FormulaLineKey("b2", "Glycerin", Decimal("5"))], [], [])
    b = fingerprints([FormulaLineKey("b2", "Glycerin", "5.0000")], [], [])
    assert a == b


@given(st.lists(st.decimals(min_value=0, max_value=100, places=4), min_size=1, max_size=8))
def test_formula_fingerprint_is_order_independent(amounts: list[Decimal]) -> None:
    lines = [FormulaLineKey(f"id{i}", f"n{i}", a) for i, a in enumerate(amounts)]
    assert fingerprints(lines, [], []) == fingerprints(list(reversed(lines)), [], [])


def test_labels_v1_v2_v3_v3() -> None:
    signed: list[str] = []
    for _ in range(4):
        signed.append(next_signed_label(signed))
    assert signed == ["V1", "V2", "V3", "V3"]


def test_change_detection() -> None:
    live = fingerprints(FORMULA, PROCESS, PACKAGING)
    never_signed = detect_changes(live, None, None)
    assert (never_signed.needs_resign, never_signed.current_version) == (False, "V0")
    assert never_signed.suggested_next_version == "V1"
    same = detect_changes(live, live.as_dict(), "V1")
    assert not same.needs_resign and same.reasons == []
    new_pack = fingerprints(FORMULA, PROCESS, [PackagingKey("bottle", "glass", "200 ml")])
    changed = detect_changes(new_pack, live.as_dict(), "V1")
    assert changed.needs_resign and changed.reasons == ["packaging changed"]
    assert (changed.current_version, changed.suggested_next_version) == ("V1", "V2")
    assert detect_changes(new_pack, live.as_dict(), "V3").suggested_next_version == "V3"


@pytest.mark.parametrize(
    ("days", "status"),
    [(29, ExpiryStatus.WARNING), (30, ExpiryStatus.WARNING), (31, ExpiryStatus.OK),
     (0, ExpiryStatus.WARNING), (-1, ExpiryStatus.OVERDUE)],
)  # fmt: skip
def test_gmp_window(days: int, status: ExpiryStatus) -> None:
    (entry,) = expiry_entries(today=TODAY, gmp_expiry=TODAY + timedelta(days=days))
    assert (entry.days_left, entry.status) == (days, status)


@pytest.mark.parametrize(
    ("days", "status"),
    [(59, ExpiryStatus.WARNING), (61, ExpiryStatus.OK), (-3, ExpiryStatus.OVERDUE)],
)
def test_test_report_validity_window(days: int, status: ExpiryStatus) -> None:
    due = TODAY + timedelta(days=days)
    tested = add_months(due, -12)
    assert add_months(tested, 12) == due
    (entry,) = expiry_entries(today=TODAY, test_dates=[(11, "stability", tested)])
    assert (entry.days_left, entry.status) == (days, status)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_serious_event_counts_from_the_earlier_date_until_reported() -> None:
    open_event = SeriousEvent(TODAY - timedelta(days=3), TODAY - timedelta(days=5), None, "ev1")
    reported = SeriousEvent(TODAY - timedelta(days=40), None, TODAY - timedelta(days=30), "ev2")
    late = SeriousEvent(TODAY - timedelta(days=20), None, None, "ev3")
    entries = expiry_entries(today=TODAY, serious_events=[open_event, reported, late])
    assert [(e.reference, e.days_left, e.status) for e in entries] == [
        ("ev3", -5, ExpiryStatus.OVERDUE),
        ("ev1", 10, ExpiryStatus.WARNING),
    ]


def test_entries_are_sorted_nearest_first_and_include_sa_qualification() -> None:
    entries = expiry_entries(
        today=TODAY,
        gmp_expiry=TODAY + timedelta(days=100),
        sa_qualified_until=TODAY + timedelta(days=45),
    )
    assert [e.category for e in entries] == ["sa_qualification", "gmp"]
    assert entries[0].status is ExpiryStatus.WARNING
