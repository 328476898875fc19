"""Generate a varied corpus of formula files with ground truth (deterministic per seed).

Variation axes: format (XLSX/CSV/DOCX/PDF table/PDF text), English or Chinese header, title rows
above the header, comma decimals, ranges, ``<x`` values, water q.s., trade-name mixtures with
sub-rows, ``(and)`` mixtures in one cell, misspellings, wrong CAS check digits, CAS column absent,
totals off 100 %. Ground truth uses the correct INCI and CAS from the starter dictionary even
where the document is wrong, so errors in the document show up as misses.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from app.engines.formula.starter import read_starter_rows
from bench.formula.writers import to_csv, to_docx, to_pdf, to_xlsx

MISSPELLINGS = {
    "GLYCERIN": ["Glycerine", "Glycerol"],
    "BUTYLENE GLYCOL": ["Butylene  glycol", "1,3-Butylene glycol"],
    "PHENOXYETHANOL": ["Phenoxyethanol ", "Phenoxy ethanol"],
    "NIACINAMIDE": ["Niacinamid", "Vitamin B3"],
    "TOCOPHEROL": ["Vitamin E"],
    "TOCOPHERYL ACETATE": ["Tocopherol acetate"],
    "SODIUM HYALURONATE": ["Sodium Hyaluronte"],
    "CETEARYL ALCOHOL": ["Cetearyl alcohl"],
    "DIMETHICONE": ["Dimethicon"],
    "ALLANTOIN": ["Allantoine"],
    "PANTHENOL": ["D-Panthenol"],
    "CAPRYLIC/CAPRIC TRIGLYCERIDE": ["Caprylic/capric triglycerides"],
}
# Names another starter row or the synonym table maps elsewhere (kept out of the random pool).
EXCLUDED = {"WATER", "AQUA", "BEESWAX", "CERAMIDE NP", "PARAFFIN", "GLYCERYL STEARATE SE"}
EN_HEADER = ["No.", "INCI Name", "CAS No.", "% w/w", "Function"]
ZH_HEADER = ["序號", "成分名稱", "CAS No.", "含量(%)", "功能"]
FORMATS = ["xlsx", "csv", "docx", "pdf", "pdf_text"]


@dataclass
class Truth:
    """Expected ingredient: correct INCI, CAS and concentration (None = not determinable)."""

    inci_name: str
    cas: str | None
    concentration_pct: float | None


@dataclass
class Case:
    """One generated file: its bytes, name and the expected ingredients."""

    filename: str
    data: bytes
    truth: list[Truth] = field(default_factory=list)
    features: list[str] = field(default_factory=list)


def _pool() -> list[tuple[str, str | None]]:
    rows = read_starter_rows()
    return [
        (r.inci_name, r.cas_number.split("|")[0] or None)
        for r in rows
        if r.inci_name not in EXCLUDED
    ]


def _display(inci: str) -> str:
    """INCI in the title case formula sheets usually use."""
    return " ".join(w if any(ch.isdigit() for ch in w) else w.capitalize() for w in inci.split(" "))


def _bad_check_digit(cas: str) -> str:
    head, last = cas[:-1], int(cas[-1])
    return f"{head}{(last + 3) % 10}"


def _fmt(value: float, comma: bool) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if comma else text


def make_case(index: int, rng: random.Random) -> Case:
    """Build case ``index``: features rotate with the index so every axis is covered."""
    kind = FORMATS[index % len(FORMATS)]
    zh = kind not in ("pdf", "pdf_text") and index % 2 == 0
    comma = kind == "csv" and index % 3 != 2
    features = [kind, "zh_header" if zh else "en_header"]
    pool = _pool()
    picks = rng.sample(pool, rng.randint(8, 30))
    values = sorted((round(10 ** rng.uniform(-2.3, 0.9), 3) for _ in picks), reverse=True)
    with_cas = index % 4 != 3
    header = list(ZH_HEADER if zh else EN_HEADER)
    if not with_cas:
        header.pop(2)
    title_rows: list[list[object]] = [[f"Formula sheet #{index}"], ["Product: test lotion"], []]
    title_rows = title_rows[: index % 4]
    rows: list[list[object]] = [*title_rows, list(header)]
    truth: list[Truth] = []
    indent_rows: list[int] = []
    misspelled = bad_cas = 0

    def line(no: object, name: str, cas: str | None, conc: str) -> list[object]:
        return [no, name, *([cas or ""] if with_cas else []), conc, ""]

    def add(
        name: str, cas: str | None, conc: str, inci: str, true_cas: str | None, value: float | None
    ) -> None:
        rows.append(line(len(truth) + 1, name, cas, conc))
        truth.append(Truth(inci, true_cas, value))

    scale = min(1.0, 60.0 / sum(values))
    values = [round(v * scale, 3) or 0.001 for v in values]
    and_mixture = index % 6 == 5
    qs = index % 5 != 4
    water_value = round(100 - sum(values) - (0.01 if and_mixture else 0.0), 3)
    if index % 10 == 9:
        water_value = round(water_value - 7, 3)  # a formula adding up to 93 %
        features.append("total_93")
    if qs or water_value > 0:
        conc = (
            rng.choice(["q.s.", "QS", "ad 100", "適量" if zh else "q.s. to 100"])
            if qs
            else _fmt(water_value, comma)
        )
        add(
            rng.choice(["Water", "Aqua", "Water (Aqua)", "AQUA/WATER"]),
            "7732-18-5",
            conc,
            "WATER",
            "7732-18-5",
            water_value,
        )
    mixture_at = rng.randrange(len(picks)) if index % 3 == 0 else -1
    for i, ((inci, cas), value) in enumerate(zip(picks, values, strict=True)):
        name = _display(inci)
        if inci in MISSPELLINGS and rng.random() < 0.7:
            name, misspelled = rng.choice(MISSPELLINGS[inci]), misspelled + 1
        doc_cas = cas
        if cas and bad_cas == 0 and index % 4 == 1 and rng.random() < 0.3:
            doc_cas, bad_cas = _bad_check_digit(cas), 1
        conc = _fmt(value, comma)
        if i == 1 and index % 3 == 1:
            low = round(value / 2, 3)
            conc = f"{_fmt(low, comma)}-{_fmt(value, comma)}%"
            features.append("range")
        if i == len(picks) - 1 and index % 2 == 1:
            conc = f"<{_fmt(value, comma)}"
            features.append("less_than")
        if i == mixture_at:
            a = round(value * 0.7, 3)
            b = round(value - a, 3)
            rows.append(line("", f"Blend-{index} (trade name)", "", _fmt(value, comma)))
            for part, part_value in (("CETEARYL ALCOHOL", a), ("CETEARYL GLUCOSIDE", b)):
                prefix = "" if kind == "xlsx" else "- "
                if kind == "xlsx":
                    indent_rows.append(len(rows))
                add(
                    prefix + _display(part),
                    "",
                    _fmt(part_value, comma),
                    part,
                    _starter_cas(part),
                    part_value,
                )
            features.append("trade_mixture")
            continue
        add(name, doc_cas, conc, inci, cas, value)
    if and_mixture:
        # (and) mixture in one cell: parts' shares cannot be known.
        rows.append(line("", "Xanthan Gum (and) Sodium Hyaluronate", "", _fmt(0.01, comma)))
        truth += [
            Truth("XANTHAN GUM", _starter_cas("XANTHAN GUM"), None),
            Truth("SODIUM HYALURONATE", _starter_cas("SODIUM HYALURONATE"), None),
        ]
        features.append("and_mixture")
    rows.append(line("", "Total", "", "100"))
    if mixture_at >= 0:
        truth = _sum_blend_parts(truth, ("CETEARYL ALCOHOL", "CETEARYL GLUCOSIDE"))
    features += [
        f
        for f, on in (
            ("comma_decimal", comma),
            ("qs", qs),
            ("no_cas_column", not with_cas),
            ("misspelling", misspelled),
            ("bad_cas", bad_cas),
            (f"title_rows={len(title_rows)}", True),
        )
        if on
    ]
    data = _write(kind, rows, indent_rows, comma)
    ext = "pdf" if kind.startswith("pdf") else kind
    return Case(f"formula_{index:02d}_{kind}.{ext}", data, truth, features)


def _sum_blend_parts(truth: list[Truth], parts: tuple[str, ...]) -> list[Truth]:
    """A blend part also listed on its own is one line with the summed value (issue #20)."""
    out: list[Truth] = []
    for t in truth:
        same = next((o for o in out if o.inci_name == t.inci_name and t.inci_name in parts), None)
        if same is not None and same.concentration_pct is not None and t.concentration_pct:
            same.concentration_pct = round(same.concentration_pct + t.concentration_pct, 6)
            continue
        out.append(t)
    return out


def _starter_cas(inci: str) -> str | None:
    return dict(_pool()).get(inci)


def _write(kind: str, rows: list[list[object]], indent_rows: list[int], comma: bool) -> bytes:
    if kind == "xlsx":
        return to_xlsx(rows, indent_rows)
    if kind == "csv":
        return to_csv(rows, delimiter=";" if comma else ",", encoding="utf-8-sig")
    if kind == "docx":
        return to_docx(rows)
    return to_pdf(rows, ruled=kind == "pdf")


def generate(out_dir: Path, count: int = 24, seed: int = 20240501) -> list[Case]:
    """Write ``count`` files plus ``<file>.truth.json`` into ``out_dir``; return the cases."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    cases = [make_case(i, rng) for i in range(count)]
    for case in cases:
        (out_dir / case.filename).write_bytes(case.data)
        truth = {"features": case.features, "ingredients": [t.__dict__ for t in case.truth]}
        (out_dir / f"{case.filename}.truth.json").write_text(
            json.dumps(truth, indent=1, ensure_ascii=False)
        )
    return cases
