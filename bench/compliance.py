"""Cross-item lint benchmark: the whole lint of a 40-ingredient product with all 16 items filled.

    uv run python -m bench.compliance [--data DIR (default: app/data)] [--repeat 200]

Each run does what GET /products/{id}/cross-item-lint does after its item reads: the regulatory
formula check on the cached rule index (built once, as RuleIndexCache keeps it per process), the
finding adapter, R1-R14, localisation and ordering. The index is built from the five CosIng annexes.
"""

import argparse
import asyncio
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from app import data
from app.engines.compliance import LintInput, load_compliance_data, run_lint
from app.engines.regulatory import RuleIndex, parse_annex_file
from app.services.compliance.lint import regulatory_findings

TODAY = date(2026, 12, 1)
NAMED = [
    ("AQUA", "7732-18-5", "50", "solvent"), ("GLYCERIN", "56-81-5", "5", "humectant"),
    ("BUTYLENE GLYCOL", "107-88-0", "4", "humectant"), ("NIACINAMIDE", "98-92-0", "4", "whitening"),
    ("CETEARYL ALCOHOL", "67762-27-0", "3", "emulsifier"), ("DIMETHICONE", "9006-65-9", "2", None),
    ("PHENOXYETHANOL", "122-99-6", "0.9", "preservative"),
    ("SALICYLIC ACID", "69-72-7", "0.5", None),
    ("ZINC OXIDE", "1314-13-2", "5", "uv filter"), ("DIBUTYL PHTHALATE", "84-74-2", "0.1", None),
    ("MENTHOL", "89-78-1", "0.5", None), ("TOCOPHEROL", "59-02-8", "0.5", "antioxidant"),
]  # fmt: skip


class CachedIndex:
    """Stands in for RuleIndexCache on a cache hit (no database round trip)."""

    def __init__(self, index: RuleIndex) -> None:
        self.index = index

    async def get(self, session: AsyncSession) -> RuleIndex:
        return self.index


def full_items() -> dict[int, dict[str, Any]]:
    lines: list[dict[str, Any]] = [
        {"raw_name": n, "inci_name": n, "cas": c, "concentration_pct": p, "function": f}
        for n, c, p, f in NAMED
    ]
    lines += [
        {"raw_name": f"植物萃取 {i}", "inci_name": f"PLANT EXTRACT {i}", "concentration_pct": "0.1"}
        for i in range(40 - len(lines))
    ]
    elements = [e.key for e in load_compliance_data().label_elements.elements]
    report = {"test_date": "2026-03-01", "parameters_tested": ["appearance", "ph", "patch_test"],
              "container_materials_tested": ["PET"], "conclusion": "stable"}  # fmt: skip
    return {
        1: {"launch_date": "2026-06-01", "brand_name": "Bench"},
        2: {"registration_number": "衛部粧製字第000001號"},
        3: {"ingredients": lines},
        4: {"claims": ["美白", "保濕", "敏感肌適用"], "warnings": ["三歲以下兒童不得使用"],
            "ocr_text": "用法：早晚取適量塗抹於臉部。" * 20,
            "label_elements": dict.fromkeys(elements, True)},
        5: {"certificate_type": "iso_22716", "issue_date": "2025-01-01",
            "expiry_date": "2027-01-15"},
        6: {"steps": [{"stage": "mix", "step": f"step {i}", "temperature_c": 70 + i}
                      for i in range(15)]},
        7: {"method": "塗抹", "amount": "適量", "frequency": "每日", "application_area": "臉部",
            "precautions_warnings": "避免接觸眼睛"},
        8: {"declaration": "none", "events": [{"category": "other", "serious": True,
                                               "occurred_on": "2026-11-20"}]},
        9: {"product_ph": 5.5}, 10: {"notes": "see verdicts"},
        11: {"reports": [report] * 3},
        12: {"test_date": "2026-03-01", "overall_pass": True},
        13: {"test_date": "2026-03-01", "criteria": "A", "result": "pass"},
        14: {"claims": [{"claim": "美白", "evidence_type": "in-vitro"}]},
        15: {"components": [{"component": "bottle", "material": "PET"},
                            {"component": "cap", "material": "aluminium"}]},
        16: {"notes": "draft"},
    }  # fmt: skip


async def main(shared: Path, repeat: int) -> None:
    annexes = sorted((shared / "cosing").glob("COSING_Annex_*"))
    if not annexes:
        raise SystemExit(f"no CosIng annexes under {shared}")
    started = time.perf_counter()
    index = RuleIndex.build(e for path in annexes for e in parse_annex_file(path))
    build_ms = (time.perf_counter() - started) * 1000
    cache, items, session = CachedIndex(index), full_items(), cast(AsyncSession, None)
    load_compliance_data()  # read once per process, like the app
    samples, alerts = [], 0
    for _ in range(max(50, repeat)):
        started = time.perf_counter()
        findings, _ = await regulatory_findings(session, cache, items[3])
        inp = LintInput(items=items, org_type="importer", today=TODAY, product_category="general",
                        regulatory=findings, verdicts={"niacinamide": "acceptable"})  # fmt: skip
        result = run_lint(inp, locale="zh-TW")
        samples.append((time.perf_counter() - started) * 1000)
        alerts = len(result.alerts)
    samples.sort()
    print(f"rule index: {len(index.entries)} annex entries, built once in {build_ms:.0f} ms")
    print(f"lint: 40 ingredients, 16 items, {alerts} alerts per run, {len(samples)} runs")
    p95 = samples[int(0.95 * len(samples))]
    median = statistics.median(samples)
    print(f"median {median:.2f} ms, p95 {p95:.2f} ms, max {samples[-1]:.2f} ms (target < 50 ms)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", dest="data_root", type=Path, default=data.DATA_DIR, help="holds cosing/*"
    )
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.data_root, args.repeat))
