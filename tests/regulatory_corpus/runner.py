"""Run the regulatory case corpus (hand, derived, taiwan, taiwan_rules .jsonl) on the pure engine.

Shared by the test (tests/regulatory_corpus/test_corpus.py) and the benchmark (bench/regulatory).
A case is blocking when the report has a binding critical/high finding; a false negative is a
blocking case the engine let through, a false positive a compliant case it blocked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from app import data
from app.engines.regulatory import FormulaLine, RegulatedEntry, RuleIndex, parse_annex_file
from app.engines.regulatory.engine import Checker, evaluate_formula
from app.engines.regulatory.findings import CheckReport
from app.engines.regulatory.substances import SubstanceMaster, master_from_csv
from app.engines.regulatory.tw_list import parse_tw_file, parse_tw_rows
from app.schemas.product_description import ProductDescription

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
ANNEXES = ("II", "III", "IV", "V", "VI")
TW_HEADER = [
    "list_type",
    "ref_no",
    "inci_name",
    "cas_numbers",
    "max_concentration_pct",
    "regulation",
]


def cosing_dir() -> Path:
    """The shipped CosIng snapshot (app/data/cosing; FileNotFoundError when an annex is missing)."""
    return data.path("cosing/COSING_Annex_II_v2.txt").parent


TW_FILES = ("prohibited", "restricted", "preservative", "colorant", "uv_filter")


def tfda_dir() -> Path:
    """The shipped TFDA snapshot (app/data/tfda; FileNotFoundError when a list is missing)."""
    return data.path("tfda/prohibited.csv").parent


@lru_cache(maxsize=1)
def tw_entries() -> tuple[RegulatedEntry, ...]:
    """The five real TFDA lists, through the `pifai sync tw-list` importer."""
    return tuple(e for name in TW_FILES for e in parse_tw_file(tfda_dir() / f"{name}.csv"))


@lru_cache(maxsize=1)
def eu_entries() -> tuple[RegulatedEntry, ...]:
    return tuple(
        e for a in ANNEXES for e in parse_annex_file(cosing_dir() / f"COSING_Annex_{a}_v2.txt")
    )


@lru_cache(maxsize=1)
def master() -> SubstanceMaster:
    data = ROOT / "app" / "data"
    return master_from_csv(
        str(data / "ingredients_starter.csv"),
        str(data / "inci_synonyms.csv"),
        str(cosing_dir() / "cosing_inventory_simplified.csv"),
    )


@lru_cache(maxsize=64)
def checker(tw_rows: str = "") -> Checker:
    entries = list(eu_entries())
    if tw_rows:
        entries += parse_tw_rows([TW_HEADER, *json.loads(tw_rows)])
    return Checker.build(RuleIndex.build(entries), master())


@lru_cache(maxsize=1)
def tw_checker() -> Checker:
    """EU annexes plus the five real TFDA lists (cases with "tw_lists": true)."""
    return Checker.build(RuleIndex.build([*eu_entries(), *tw_entries()]), master())


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for name in ("hand.jsonl", "derived.jsonl", "taiwan.jsonl", "taiwan_rules.jsonl"):
        with (HERE / name).open(encoding="utf-8") as fh:
            cases += [json.loads(line) for line in fh if line.strip()]
    return cases


def lines_of(case: dict[str, Any]) -> list[FormulaLine]:
    out = []
    for row in case["lines"]:
        inci, cas, conc, *rest = [*row, None, None][: max(len(row), 3) + 2]
        function = rest[0] if rest else None
        is_nano = bool(rest[1]) if len(rest) > 1 and rest[1] else False
        out.append(FormulaLine(inci, cas, conc, function, is_nano))
    return out


def run_case(case: dict[str, Any]) -> CheckReport:
    if case.get("tw_lists"):
        ck = tw_checker()
    else:
        ck = checker(json.dumps(case.get("tw") or []) if case.get("tw") else "")
    markets = case.get("markets") or ["TW"]
    return evaluate_formula(ck, ProductDescription(**case["product"]), lines_of(case), markets)


@dataclass
class Score:
    cases: int = 0
    violating: int = 0
    compliant: int = 0
    false_negatives: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    status_mismatches: list[str] = field(default_factory=list)


def score(cases: list[dict[str, Any]]) -> dict[str, Score]:
    per: dict[str, Score] = defaultdict(Score)
    for case in cases:
        report = run_case(case)
        blocked = report.summary.blocking > 0
        s = per[case["mechanism"]]
        s.cases += 1
        if case["blocking"]:
            s.violating += 1
            if not blocked:
                s.false_negatives.append(case["id"])
        else:
            s.compliant += 1
            if blocked:
                s.false_positives.append(case["id"])
        for line, want in (case.get("status") or {}).items():
            got = report.lines[int(line) - 1].status
            if got != want:
                s.status_mismatches.append(f"{case['id']}: line {line} {got} != {want}")
    return dict(per)
