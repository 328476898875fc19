"""OCR benchmark on rendered scans and photos: ``uv run python -m bench.formula.run_scans``.

Generates the image corpus (``scans.py``: clean renders, flatbed scans, phone photos and rough
far-away photos, PNG/JPEG/image-only PDF), extracts every file offline with no AI key and
reports, per difficulty, the field accuracy (true positives / max(predicted, expected), pooled
over inci_name, cas and concentration_pct, see ``run.score_file``) and the time per image page
(median, p95). The OCR model is loaded before timing starts (``--cold`` to include it).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from pathlib import Path

from app.engines.formula import ExtractionError, extract_formula
from app.engines.formula.ocr import warm_up
from app.engines.formula.starter import starter_dictionary
from bench.formula.run import FIELDS, Score, score_file
from bench.formula.scans import STYLES, generate_scans


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(count: int, out: Path | None, cold: bool) -> float:
    """Print per-file and per-difficulty figures; return the overall field accuracy."""
    dictionary = starter_dictionary()
    if not cold:
        warm_up()
    cases = generate_scans(out, count)
    totals: dict[str, dict[str, Score]] = defaultdict(lambda: {f: Score() for f in FIELDS})
    times: dict[str, list[float]] = defaultdict(list)
    cpu_times: dict[str, list[float]] = defaultdict(list)  # all threads: load-independent
    cas_filled: dict[str, int] = defaultdict(int)
    print(f"{'file':24} {'lines':>5} {'inci':>5} {'cas':>5} {'conc':>5} {'s':>6}  notes")
    for case in cases:
        style = case.features[0]
        start, cpu = time.perf_counter(), time.process_time()
        try:
            result = extract_formula(case.data, case.filename, dictionary)
            predicted = [i.model_dump() for i in result.ingredients]
            low = sum("ocr_low_confidence" in i.flags for i in result.ingredients)
            # CAS the document shows but the draft took from the dictionary: an OCR miss that
            # the field score cannot see.
            filled = sum("cas_from_dictionary" in i.flags for i in result.ingredients)
            cas_filled[style] += filled
            notes = (
                f"ocr pages {result.ocr.pages if result.ocr else '-'}, {low} low-conf lines,"
                f" {filled} CAS from dictionary"
            )
        except ExtractionError as exc:
            predicted, notes = [], f"ERROR {exc.reason}"
        elapsed = time.perf_counter() - start
        times[style].append(elapsed)
        cpu_times[style].append(time.process_time() - cpu)
        scores = score_file(predicted, [t.__dict__ for t in case.truth])
        for f in FIELDS:
            totals[style][f].add(scores[f])
        acc = " ".join(f"{_accuracy({f: scores[f]}):5.2f}" for f in FIELDS)
        print(f"{case.filename:24} {len(case.truth):5} {acc} {elapsed:6.2f}  {notes}")
    print("-" * 90)
    print(
        f"{'difficulty':10} {'files':>5} {'accuracy':>8} {'inci':>5} {'cas':>5} {'conc':>5}"
        f" {'median s':>8} {'p95 s':>6}"
    )
    every: dict[str, Score] = {f: Score() for f in FIELDS}
    all_times: list[float] = []
    all_cpu: list[float] = []
    for style in STYLES:
        if style not in totals:
            continue
        per = totals[style]
        for f in FIELDS:
            every[f].add(per[f])
        all_times += times[style]
        all_cpu += cpu_times[style]
        fields = " ".join(f"{_accuracy({f: per[f]}):5.3f}" for f in FIELDS)
        print(
            f"{style:10} {len(times[style]):5} {_accuracy(per):8.3f} {fields}"
            f" {statistics.median(times[style]):8.2f} {_p95(times[style]):6.2f}"
            f" {statistics.median(cpu_times[style]):7.2f} {_p95(cpu_times[style]):7.2f}"
            f" {cas_filled[style]:10}"
        )
    overall = _accuracy(every)
    fields = " ".join(f"{_accuracy({f: every[f]}):5.3f}" for f in FIELDS)
    print(
        f"{'all':10} {len(all_times):5} {overall:8.3f} {fields}"
        f" {statistics.median(all_times):8.2f} {_p95(all_times):6.2f}"
        f" {statistics.median(all_cpu):7.2f} {_p95(all_cpu):7.2f}"
        f" {sum(cas_filled.values()):10}"
    )
    return overall


def _accuracy(scores: dict[str, Score]) -> float:
    tp = sum(s.tp for s in scores.values())
    total = sum(max(s.pred, s.truth) for s in scores.values())
    return tp / total if total else 1.0


def main() -> None:
    """CLI entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--out", type=Path, help="also write the corpus and truth files here")
    parser.add_argument("--cold", action="store_true", help="include the model load in timing")
    args = parser.parse_args()
    run(args.count, args.out, args.cold)


if __name__ == "__main__":
    main()
