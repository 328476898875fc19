"""Safety-engine benchmark: one 40-line formula through gates, cascade and MoS, warm caches.

    uv run python -m bench.safety [--repeat 200]

Pure engine (no database): the mix covers cited NOAELs, structural read-across against 20
anchors (RDKit Morgan fingerprints), TTC, hard gates and unknown concentrations.
"""

import argparse
import platform
import statistics
import time

from app.engines.safety import Anchor, LineInput, NoaelCandidate, RegulatoryStatus, assess_formula
from app.schemas.product_description import ProductDescription

SMILES = [
    "COC(=O)c1ccccc1O",
    "CCOC(=O)c1ccccc1O",
    "OC(=O)c1ccccc1O",
    "COC(=O)c1ccccc1",
    "CCCCCCO",
    "CCCCCCCCO",
    "OCCOc1ccccc1",
    "CC(=O)c1ccccc1",
    "OCc1ccccc1",
    "CCc1ccccc1O",
]


def formula() -> list[LineInput]:
    lines: list[LineInput] = []
    for i in range(40):
        kind = i % 5
        smiles = SMILES[i % len(SMILES)]
        if kind == 0:
            line = LineInput(
                str(i),
                f"cited {i}",
                concentration_pct=1.0,
                noael_candidates=(NoaelCandidate(50.0 + i, "fixture EPA"),),
            )
        elif kind == 1:
            line = LineInput(str(i), f"analogue {i}", concentration_pct=0.5, smiles=smiles)
        elif kind == 2:
            line = LineInput(str(i), f"ttc {i}", concentration_pct=0.0001, cramer_class="II")
        elif kind == 3:
            line = LineInput(
                str(i),
                f"listed {i}",
                concentration_pct=30.0,
                regulatory=RegulatoryStatus(non_compliant=("fixture limit",)),
            )
        else:
            line = LineInput(str(i), f"unknown {i}", concentration_pct=None, smiles=smiles)
        lines.append(line)
    return lines


def anchors() -> list[Anchor]:
    return [
        Anchor(
            cas=None,
            name=f"anchor {i}",
            noael=100.0 + i,
            source="fixture",
            citation="fixture",
            smiles=s,
        )
        for i, s in enumerate(SMILES * 2)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    description = ProductDescription.model_validate({"form": "leave_on", "areas": ["face"]})
    lines, anchor_list = formula(), anchors()
    assess_formula(description, lines, anchor_list)  # warm: data files, fingerprints
    samples = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        assess_formula(description, lines, anchor_list)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(f"machine: {platform.machine()} python {platform.python_version()}")
    print(
        f"40 lines x {args.repeat}: median {statistics.median(samples):.2f} ms, "
        f"p95 {samples[int(len(samples) * 0.95) - 1]:.2f} ms, max {samples[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main()
