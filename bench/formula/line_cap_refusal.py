"""CPU time to refuse a formula file over Item 3's line cap, in process (no servers).

    uv run python -m bench.formula.line_cap_refusal [--rows 2000] [--repeat 3]

The dictionary is the shipped snapshot (starter CSV + CosIng inventory, ~28.7k names, as a
fresh install loads it). "full" runs the whole extraction and then counts the lines (the
behaviour before the early stop); "capped" passes the cap (`extract_outcome`, as the
extraction process does). Both in this process, alternating, each on a fresh dictionary cache.
"""

import argparse
import os
import time

from app import data
from app.ai.providers.finalize import finalize_extraction
from app.engines.formula.extract import extract_formula
from app.engines.formula.inci import IngredientDictionary, IngredientEntry
from app.engines.formula.ocr import OcrLimits
from app.engines.formula.starter import load_synonyms, starter_entries
from app.services.chemical_sync.bootstrap import INVENTORY_FILE
from app.services.extraction_process import extract_outcome
from app.services.formulation import records_from_inventory
from app.services.formulation.limits import ITEM3_MAX_LINES
from bench.formula.healthz_under_extraction import formula_csv


def shipped_dictionary() -> IngredientDictionary:
    entries = list(starter_entries())
    seen = {e.inci_name.upper() for e in entries}
    for record in records_from_inventory(data.path(INVENTORY_FILE)):
        if record.inci_name.upper() not in seen:
            seen.add(record.inci_name.upper())
            entries.append(
                IngredientEntry(
                    inci_name=record.inci_name,
                    cas_numbers=tuple(record.cas_numbers),
                    functions=tuple(record.functions),
                    source=record.source,
                    source_ref=record.source_ref,
                )
            )
    return IngredientDictionary(entries, synonyms=load_synonyms())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    file = formula_csv(args.rows)
    times: dict[str, list[float]] = {"full": [], "capped": []}
    count = 0
    for _ in range(args.repeat):
        for mode in times:
            dictionary = shipped_dictionary()  # a cold match cache, as in a new process
            started = time.process_time()
            if mode == "full":
                result = extract_formula(file, "f.csv", dictionary, "text/csv", OcrLimits())
                count = len(finalize_extraction(result, dictionary).ingredients)
            else:
                outcome = extract_outcome(
                    file, "f.csv", "text/csv", dictionary, OcrLimits(), ITEM3_MAX_LINES
                )
                assert outcome.get("lines") == count, outcome.keys()
            times[mode].append(time.process_time() - started)
    print(f"{args.rows} rows, {count} lines, cap {ITEM3_MAX_LINES}; load {os.getloadavg()[0]:.2f}")
    for mode, values in times.items():
        print(f"{mode}: CPU s per file " + ", ".join(f"{v:.2f}" for v in values))


if __name__ == "__main__":
    main()
