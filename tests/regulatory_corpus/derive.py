"""Derive the data-driven part of the corpus (derived.jsonl) straight from the annex exports.

Independent of the engine's parser: it reads the raw CSV cells with the csv module and keeps only
cells whose reading is unambiguous (a plain "N %" maximum, no product type, no other conditions),
so a parser bug cannot write its own expected values.
Run: uv run python tests/regulatory_corpus/derive.py
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PLAIN = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*%\s*$")
CAS = re.compile(r"\b(\d{2,7}-\d{2}-\d)\b")
FACE = {"form": "leave_on", "areas": ["face"]}
HAIR_DYE = {"form": "rinse_off", "areas": ["hair", "scalp"], "kind": "hair_dye"}


def annex_dir() -> Path:
    shipped = ROOT / "app" / "data" / "cosing"
    return shipped if shipped.is_dir() else ROOT.parent.parent / "shared" / "data" / "cosing"


def rows(annex: str) -> list[dict[str, str]]:
    with (annex_dir() / f"COSING_Annex_{annex}_v2.txt").open(encoding="utf-8-sig") as fh:
        raw = list(csv.reader(fh))
    start = next(i for i, r in enumerate(raw) if r and r[0].strip() == "Reference Number")
    header = [h.strip() for h in raw[start]]
    return [dict(zip(header, r, strict=False)) for r in raw[start + 1 :] if any(r)]


def col(row: dict[str, str], prefix: str) -> str:
    return next((v for k, v in row.items() if k.lower().startswith(prefix)), "") or ""


def above(limit: float) -> float:
    """A value just above a limit: +2 % of it, rounded up on the limit's last decimal + 1."""
    decimals = max(0, -math.floor(math.log10(limit))) + 2
    scale = 10.0**decimals
    return math.ceil(limit * 1.02 * scale) / scale


def positive_list_cases() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for annex, function in (("V", "preservative"), ("VI", "uv_filter")):
        for r in rows(annex):
            m = PLAIN.match(col(r, "maximum"))
            name = re.split(r"\s*[/;]\s*|\n", col(r, "name of common").strip())[0].strip()
            cas = CAS.findall(col(r, "cas"))
            if not m or not name or not cas:
                continue
            if col(r, "product type").strip() or col(r, "other").strip():
                continue
            if col(r, "wording").strip() and "lungs" in col(r, "wording"):
                continue
            if "nano" in name.casefold():
                continue
            limit = float(m.group(1).replace(",", "."))
            ref = col(r, "reference").strip()
            text = col(r, "maximum").strip()
            for tag, conc, blocking in (("at", limit, False), ("above", above(limit), True)):
                out.append(
                    {
                        "id": f"limit-{annex}-{ref}-{tag}",
                        "mechanism": "plain_limit",
                        "annex": annex,
                        "ref": ref,
                        "text": f"Maximum concentration: {text}",
                        "product": FACE,
                        "lines": [[name, cas[0], conc, function]],
                        "blocking": blocking,
                    }
                )
    return out


def annex_ii_cases() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    elsewhere = {
        c for a in ("III", "IV", "V", "VI") for r in rows(a) for c in CAS.findall(col(r, "cas"))
    }
    plain = hair = 0
    for r in rows("II"):
        name = col(r, "chemical name").strip()
        cas = CAS.findall(col(r, "cas"))
        ref = col(r, "reference").strip()
        if not cas or not ref.isdigit() or cas[0] in elsewhere:
            continue
        short = re.split(r";|\(|,\s", name)[0].strip()
        if "when used as a substance in hair dye" in name.casefold():
            if int(ref) % 7 or hair >= 14:
                continue
            hair += 1
            for tag, product, blocking in (("hairdye", HAIR_DYE, True), ("face", FACE, False)):
                out.append(
                    {
                        "id": f"annexII-{ref}-{tag}",
                        "mechanism": "conditional_ban",
                        "annex": "II",
                        "ref": ref,
                        "text": name,
                        "product": product,
                        "lines": [[short, cas[0], 0.5]],
                        "blocking": blocking,
                    }
                )
        elif not re.search(r"except|exception|when used|and its|salts|compounds", name, re.I):
            if int(ref) % 53 or plain >= 30:
                continue
            plain += 1
            out.append(
                {
                    "id": f"annexII-{ref}-trace",
                    "mechanism": "prohibited",
                    "annex": "II",
                    "ref": ref,
                    "text": name,
                    "product": FACE,
                    "lines": [[short, cas[0], 0.0001]],
                    "blocking": True,
                    "status": {"1": "prohibited"},
                }
            )
    return out


if __name__ == "__main__":
    cases = positive_list_cases() + annex_ii_cases()
    with (HERE / "derived.jsonl").open("w", encoding="utf-8") as fh:
        for c in cases:
            fh.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(len(cases), "derived cases")
