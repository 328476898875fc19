"""Run the formula-extraction benchmark: ``uv run python -m bench.formula.run [--out DIR]``.

Generates the corpus (see ``generate.py``), extracts every file and reports field-level precision
and recall for inci_name, cas and concentration_pct plus the time per file. A predicted field is
a true positive when the same (INCI, value) pair is in the ground truth; concentrations match
within 0.001 % absolute. Ground-truth concentrations that are not determinable (parts of an
``(and)`` mixture) are left out of the concentration scores.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from app import data
from app.engines.formula import ExtractionError, extract_formula
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.inventory import load_inventory_dictionary
from app.engines.formula.starter import load_synonyms, starter_dictionary
from bench.formula.generate import generate
from bench.formula.hard import generate_hard

FIELDS = ("inci_name", "cas", "concentration_pct")
INVENTORY = "cosing/cosing_inventory_simplified.csv"  # shipped in app/data


@dataclass
class Score:
    """True positives, predictions and truths for one field."""

    tp: int = 0
    pred: int = 0
    truth: int = 0

    def add(self, other: Score) -> None:
        """Accumulate another score."""
        self.tp, self.pred, self.truth = (
            self.tp + other.tp,
            self.pred + other.pred,
            self.truth + other.truth,
        )

    @property
    def precision(self) -> float:
        """TP / predicted (1.0 when nothing predicted)."""
        return self.tp / self.pred if self.pred else 1.0

    @property
    def recall(self) -> float:
        """TP / truth (1.0 when nothing expected)."""
        return self.tp / self.truth if self.truth else 1.0


def _key(field: str, inci: object, value: object) -> tuple[str, object] | None:
    if inci is None or value is None:
        return None
    if field == "concentration_pct":
        return (str(inci).upper(), round(float(str(value)), 3))
    return (str(inci).upper(), str(value).upper() if field != "inci_name" else "")


def score_file(
    predicted: list[dict[str, object]], truth: list[dict[str, object]]
) -> dict[str, Score]:
    """Multiset precision/recall of (INCI, field value) pairs for each field."""
    scores: dict[str, Score] = {}
    for field in FIELDS:
        pred = Counter(k for p in predicted if (k := _key(field, p["inci_name"], p[field])))
        want = Counter(k for t in truth if (k := _key(field, t["inci_name"], t[field])))
        scores[field] = Score(sum((pred & want).values()), sum(pred.values()), sum(want.values()))
    return scores


def run(out_dir: Path, dictionary: IngredientDictionary, count: int) -> dict[str, Score]:
    """Generate, extract and print the per-file table; return the totals."""
    cases = generate(out_dir, count=count)
    totals = {f: Score() for f in FIELDS}
    print(
        f"{'file':34} {'rows':>4} {'inci P/R':>11} {'cas P/R':>11} {'conc P/R':>11}"
        f" {'ms':>7}  warnings"
    )
    times: list[float] = []
    bad_cas_expected = bad_cas_flagged = 0
    for case in cases:
        truth = json.loads((out_dir / f"{case.filename}.truth.json").read_text())["ingredients"]
        start = time.perf_counter()
        try:
            result = extract_formula(case.data, case.filename, dictionary)
            predicted = [i.model_dump() for i in result.ingredients]
            warnings = ",".join(w.code for w in result.warnings)
        except ExtractionError as exc:
            predicted, warnings = [], f"ERROR {exc.reason}"
        elapsed = (time.perf_counter() - start) * 1000
        times.append(elapsed)
        bad_cas_expected += "bad_cas" in case.features
        bad_cas_flagged += sum("cas_checksum_invalid" in p["flags"] for p in predicted)
        scores = score_file(predicted, truth)
        cells = " ".join(f"{scores[f].precision:5.2f}/{scores[f].recall:4.2f}" for f in FIELDS)
        print(f"{case.filename:34} {len(truth):4} {cells} {elapsed:7.1f}  {warnings}")
        for f in FIELDS:
            totals[f].add(scores[f])
    print("-" * 100)
    for f in FIELDS:
        t = totals[f]
        print(
            f"{f:18} precision {t.precision:.3f}  recall {t.recall:.3f}"
            f"  (tp {t.tp}, pred {t.pred}, truth {t.truth})"
        )
    print(
        f"time per file: mean {sum(times) / len(times):.1f} ms, max {max(times):.1f} ms,"
        f" files {len(times)}"
    )
    print(f"wrong CAS check digits planted: {bad_cas_expected}, flagged: {bad_cas_flagged}")
    return totals


def accuracy(score: Score) -> float:
    """Field accuracy: matches over the union of predicted and expected pairs (1.0 if none)."""
    union = score.pred + score.truth - score.tp
    return score.tp / union if union else 1.0


def run_hard(dictionary: IngredientDictionary, rounds: int) -> dict[str, dict[str, Score]]:
    """Extract the harder corpus (``hard.py``); print per-file and per-difficulty accuracy."""
    by_level: dict[str, dict[str, Score]] = {}
    times: list[float] = []
    head = f"{'file':40} {'level':8} {'rows':>4} {'inci':>5} {'cas':>5} {'conc':>5}"
    print(f"{head} {'ms':>7}  warnings")
    for case in generate_hard(rounds):
        truth = [t.__dict__ for t in case.truth]
        start = time.perf_counter()
        try:
            result = extract_formula(case.data, case.filename, dictionary)
            predicted = [i.model_dump() for i in result.ingredients]
            warnings = ",".join(w.code for w in result.warnings)
        except ExtractionError as exc:
            predicted, warnings = [], f"ERROR {exc.reason}"
        times.append((time.perf_counter() - start) * 1000)
        scores = score_file(predicted, truth)
        cells = " ".join(f"{accuracy(scores[f]):5.2f}" for f in FIELDS)
        print(
            f"{case.filename:40} {case.difficulty:8} {len(truth):4} {cells} {times[-1]:7.1f}"
            f"  {warnings}"
        )
        level = by_level.setdefault(case.difficulty, {f: Score() for f in FIELDS})
        for f in FIELDS:
            level[f].add(scores[f])
    print("-" * 100)
    overall = {f: Score() for f in FIELDS}
    for name, level in sorted(by_level.items()):
        for f in FIELDS:
            overall[f].add(level[f])
        print(_level_line(name, level))
    print(_level_line("overall", overall))
    times.sort()
    print(f"time per file: median {times[len(times) // 2]:.1f} ms, max {times[-1]:.1f} ms")
    return by_level


def _level_line(name: str, level: dict[str, Score]) -> str:
    total = Score()
    for f in FIELDS:
        total.add(level[f])
    fields = "  ".join(f"{f} {accuracy(level[f]):.3f}" for f in FIELDS)
    return f"{name:8} field accuracy {accuracy(total):.3f}  ({fields}; tp {total.tp})"


def main() -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, help="corpus directory (default: a temp dir)")
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--dictionary", choices=["starter", "inventory"], default="starter")
    parser.add_argument("--corpus", choices=["basic", "hard"], default="basic")
    parser.add_argument("--rounds", type=int, default=3, help="hard corpus: files per builder")
    args = parser.parse_args()
    if args.dictionary == "inventory":
        dictionary = load_inventory_dictionary(data.path(INVENTORY), load_synonyms())
    else:
        dictionary = starter_dictionary()
    if args.corpus == "hard":
        run_hard(dictionary, args.rounds)
        return
    if args.out:
        run(args.out, dictionary, args.count)
        return
    with tempfile.TemporaryDirectory(prefix="formula-bench-") as tmp:
        run(Path(tmp), dictionary, args.count)


if __name__ == "__main__":
    main()
