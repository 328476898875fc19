"""`uv run python -m bench.regulatory`: corpus scores per mechanism and 40-ingredient timing.

The corpus is tests/regulatory_corpus (hand.jsonl from the annex texts, derived.jsonl generated
straight from the raw annex cells). A false negative is a violating case the engine let through; a
false positive a compliant case it blocked. Timing: the pure engine, in memory, all five annexes,
the ingredient master built from the shipped CSVs (starter, synonyms, CosIng inventory).
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

from app.engines.regulatory import FormulaLine
from app.engines.regulatory.engine import time_evaluate
from app.schemas.product_description import ProductDescription
from tests.regulatory_corpus.runner import checker, load_cases, score, tw_checker

ROOT = Path(__file__).resolve().parents[2]
# Regulated lines of a realistic sunscreen lotion; the rest of the 40 are master ingredients.
REGULATED = [
    ("PHENOXYETHANOL", "122-99-6", 0.8, "preservative"),
    ("ETHYLHEXYLGLYCERIN", "70445-33-9", 0.2, None),
    ("SODIUM BENZOATE", "532-32-1", 0.3, "preservative"),
    ("POTASSIUM SORBATE", "24634-61-5", 0.2, "preservative"),
    ("ZINC OXIDE", "1314-13-2", 10.0, "uv_filter"),
    ("TITANIUM DIOXIDE [nano]", "13463-67-7", 5.0, "uv_filter"),
    ("ETHYLHEXYL SALICYLATE", "118-60-5", 4.0, "uv_filter"),
    ("HOMOSALATE", "118-56-9", 5.0, "uv_filter"),
    ("LINALOOL", "78-70-6", 0.05, None),
    ("LIMONENE", "5989-27-5", 0.05, None),
    ("SALICYLIC ACID", "69-72-7", 0.5, None),
    ("水楊酸", None, 0.1, None),
]


def formula_40() -> list[FormulaLine]:
    lines = [FormulaLine(n, c, p, f) for n, c, p, f in REGULATED]
    with (ROOT / "app" / "data" / "ingredients_starter.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if len(lines) >= 40:
                break
            if row["cas_number"] and row["inci_name"] not in {n for n, *_ in REGULATED}:
                lines.append(FormulaLine(row["inci_name"], row["cas_number"], 0.5))
    return lines


def main(repeat: int) -> None:
    started = time.perf_counter()
    cases = load_cases()
    per = score(cases)
    total_fn = total_fp = total_ok = 0
    print(f"{'mechanism':18} {'cases':>5} {'viol':>5} {'ok':>5} {'FN':>4} {'FP':>4}  FP %")
    for name, s in sorted(per.items()):
        fp_pct = 100 * len(s.false_positives) / s.compliant if s.compliant else 0.0
        print(
            f"{name:18} {s.cases:5} {s.violating:5} {s.compliant:5} "
            f"{len(s.false_negatives):4} {len(s.false_positives):4}  {fp_pct:4.1f}"
        )
        for case_id in s.false_negatives:
            print(f"    false negative: {case_id}")
        for case_id in s.false_positives:
            print(f"    false positive: {case_id}")
        for mismatch in s.status_mismatches:
            print(f"    line status: {mismatch}")
        total_fn += len(s.false_negatives)
        total_fp += len(s.false_positives)
        total_ok += s.compliant
    print(
        f"total: {len(cases)} cases, {total_fn} false negatives, {total_fp} false positives "
        f"({100 * total_fp / max(total_ok, 1):.1f} % of {total_ok} compliant cases); "
        f"corpus run {time.perf_counter() - started:.1f} s (incl. building the index)"
    )
    lines = formula_40()
    product = ProductDescription(form="leave_on", areas=["face", "body"], kind="sunscreen")
    median = time_evaluate(checker(), product, lines, repeat)
    print(
        f"evaluate_formula, {len(lines)} ingredients, all annexes: "
        f"median {median:.2f} ms ({repeat} runs)"
    )
    median_tw = time_evaluate(tw_checker(), product, lines, repeat)
    print(
        f"evaluate_formula, {len(lines)} ingredients, all annexes + the five TFDA lists "
        f"(markets TW): median {median_tw:.2f} ms ({repeat} runs)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200)
    main(parser.parse_args().repeat)
