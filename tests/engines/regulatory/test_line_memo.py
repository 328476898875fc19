"""The checker's per-name memos (issue 18) change no answer: every corpus formula gives the same
report with the memos empty, warm from itself, and warm from all the other formulas."""

from __future__ import annotations

from typing import Any

from app.engines.regulatory.engine import Checker
from tests.regulatory_corpus.runner import checker, load_cases, run_case, tw_checker


def _checker_of(case: dict[str, Any]) -> Checker:
    if case.get("tw_lists"):
        return tw_checker()
    import json

    return checker(json.dumps(case.get("tw") or []) if case.get("tw") else "")


def test_reports_are_the_same_with_cold_and_warm_memos() -> None:
    cases = load_cases()
    cold = []
    for case in cases:
        ck = _checker_of(case)
        ck.parts.clear()
        ck.identities.clear()
        ck.unknowns.clear()
        cold.append(run_case(case).model_dump())
        assert run_case(case).model_dump() == cold[-1], case.get("id")
    assert any(_checker_of(c).identities for c in cases)
    for _ in range(2):  # every memo now holds the names of all the other formulas too
        for case, expected in zip(cases, cold, strict=True):
            assert run_case(case).model_dump() == expected, case.get("id")
