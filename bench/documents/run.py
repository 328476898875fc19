"""Regulatory PDF benchmark: the 14-section PDF of a 40-ingredient product with all items filled.

    uv run python -m bench.documents.run [--repeat 30] [--out PDF]

Each run does what GET …/regulatory-pdf does after its reads: build the 14 sections from the
snapshot (pure engine) and render them with typst (shipped Noto Sans TC subset). One warm-up
render loads the font; the figures are the renders after it. Target: < 0.3 s per PDF.
"""

import argparse
import statistics
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from app.engines.documents import (
    DocumentInput,
    FindingFacts,
    Signature,
    VersionEntry,
    build_document,
    line_statuses,
)
from app.services.documents import render_pdf

LINES = 40


def formula() -> list[dict[str, Any]]:
    named = [("水", "AQUA", "7732-18-5", "solvent"), ("甘油", "GLYCERIN", "56-81-5", "humectant"),
             ("對羥基苯甲酸甲酯", "METHYLPARABEN", "99-76-3", "preservative"),
             ("菸鹼醯胺", "NIACINAMIDE", "98-92-0", "skin conditioning")]  # fmt: skip
    lines = []
    for n in range(LINES):
        zh, inci, cas, function = named[n] if n < len(named) else (
            f"植物萃取物 {n}", f"PLANT EXTRACT {n}", f"{1000 + n}-00-{n % 10}", "skin conditioning"
        )  # fmt: skip
        pct = "60.0000" if n == 0 else f"{max(40 / (LINES - 1) - n * 0.01, 0.01):.4f}"
        lines.append({"raw_name": zh, "inci_name": inci, "cas": cas, "concentration_pct": pct,
                      "function": function, "sort_order": n + 1, "is_nano": False})  # fmt: skip
    return lines


def snapshot() -> dict[str, Any]:
    files = [{"id": f"f{n}", "filename": f"item{n}-report.pdf", "sha256": f"{n:02d}" * 32,
              "size_bytes": 1_048_576} for n in range(1, 17)]  # fmt: skip
    items: dict[str, Any] = {
        "1": {"launch_date": "2026-01-01", "brand_name": "某品牌", "net_content": "30 mL",
              "country_of_origin": "臺灣", "responsible_person": "王小明"},
        "2": {"registration_number": "衛部粧製字第000123號", "registration_date": "2025-12-01"},
        "3": {},
        "4": {"claims": ["保濕", "美白", "舒緩"], "warnings": ["避免接觸眼睛"],
              "population_restrictions": ["三歲以下兒童不宜"],
              "label_elements": {"product_name": True, "dates": True, "batch_number": True}},
        "5": {"certificate_type": "iso_22716", "certificate_no": "GMP-001", "holder_name": "某工廠",
              "issuer": "SGS", "issue_date": "2026-01-10", "expiry_date": "2027-01-09"},
        "6": {"manufacturing_stage": "bulk", "steps": [
            {"stage": f"階段 {n}", "step": f"混合與加熱步驟 {n}", "temperature_c": 40 + n,
             "duration_min": 15, "equipment": "乳化槽", "qc_point": "pH"} for n in range(8)]},
        "7": {"method": "早晚取適量塗抹於臉部", "amount": "適量", "frequency": "每日兩次",
              "application_area": "臉部", "precautions_warnings": "避免接觸眼睛"},
        "8": {"declaration": "迄今未知有不良反應", "events": [
            {"occurred_on": "2026-05-01", "became_aware_on": "2026-05-02", "category": "irritation",
             "serious": False, "risk_grade": "low"}]},
        "9": {"product_ph": 5.5},
        "10": {"notes": "SA 已審閱全部成分"},
        "11": {"reports": [{"test_date": "2026-06-01", "conditions": ["40 °C / 75 % RH"],
                            "parameters_tested": ["appearance", "ph", "viscosity"],
                            "container_materials_tested": ["PET"], "conclusion": "stable",
                            "shelf_life_months": 36}]},
        "12": {"test_date": "2026-06-01", "overall_pass": True, "results": [
            {"organism": o, "value": 0, "unit": "CFU/g", "limit": 100, "pass": True}
            for o in ("TPC", "E. coli", "S. aureus", "P. aeruginosa", "C. albicans")]},
        "13": {"test_date": "2026-06-01", "strains": ["E. coli", "S. aureus", "A. brasiliensis"],
               "log_reductions": {"E. coli": 3.2, "S. aureus": 3.5}, "criteria": "A",
               "result": "pass"},
        "14": {"claims": [{"claim": "美白", "evidence_type": "clinical",
                           "evidence_file_ids": ["f14"]}]},
        "15": {"components": [{"component": "瓶", "material": "PET", "spec": "30 mL"},
                              {"component": "蓋", "material": "PP"}],
               "migration": {"Pb": 0.1, "Hg": 0.01, "As": 0.05, "Cd": 0.01},
               "plasticizers": "未檢出", "compatibility": "相容"},
        "16": {"notes": "—"},
    }  # fmt: skip
    return {
        "product": {"name": "保濕精華液", "name_en": "Hydrating Serum", "category": "general",
                    "dosage_form": "serum", "intended_use": "保濕", "manufacturer_name": "某工廠",
                    "manufacturer_address": "臺北市", "registration_id": "衛部粧製字第000123號"},
        "items": {k: {"data": v, "files": [f for f in files if f["id"] == f"f{k}"]}
                  for k, v in items.items()},
        "formula_lines": formula(),
        "verdicts": [{"ingredient": line["inci_name"], "verdict": "safe", "method_label": "MoS",
                      "mos": 120.5, "noael_source": "SCCS", "exposure_source": "SCCS NoG"}
                     for line in formula()],
        "lint": {"alerts": [
            {"rule_id": "R1", "severity": "warning", "target_item": 10, "message": "美白宣稱"},
            {"rule_id": "R9", "severity": "blocking", "target_item": 3, "message": "禁用成分"},
        ]},
    }  # fmt: skip


def document_input() -> DocumentInput:
    facts = [FindingFacts("TW", "condition", True, [3], "TW preservative 12"),
             FindingFacts("EU", "over_limit", False, [3], "EU V/12")]  # fmt: skip
    signed = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    return DocumentInput(
        snapshot=snapshot(),
        version_label="V1",
        live=False,
        as_of=date(2026, 11, 30),
        org_name="某品牌",
        org_type="brand",
        versions=[
            VersionEntry("V0", 0, False, signed, None, None),
            VersionEntry("V1", 1, True, signed, signed, "ab" * 32),
        ],
        signature=Signature(signed, "ab" * 32, "王小明", "SA-CERT-0001", "totp"),
        line_status=line_statuses(facts, LINES),
        lists_checked=["EU prohibited", "TW preservative", "TW prohibited"],
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    inp = document_input()
    pdf = render_pdf(build_document(inp, "zh-TW"))  # warm-up: loads the font once
    builds, totals = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        document = build_document(inp, "zh-TW")
        built = time.perf_counter()
        pdf = render_pdf(document)
        end = time.perf_counter()
        builds.append(built - start)
        totals.append(end - start)
    totals.sort()
    p99 = totals[min(len(totals) - 1, round(0.99 * (len(totals) - 1)))]
    if args.out:
        args.out.write_bytes(pdf)
    print(
        f"regulatory PDF, {LINES} ingredients, 16 items, {args.repeat} renders: "
        f"median {statistics.median(totals) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, "
        f"max {totals[-1] * 1000:.1f} ms (sections alone: median "
        f"{statistics.median(builds) * 1000:.2f} ms); {len(pdf):,} bytes"
    )


if __name__ == "__main__":
    main()
