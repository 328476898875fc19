"""Rendered formula tables: scans and photos with ground truth (deterministic per seed).

Each case draws a formula table (No. / INCI name / Chinese name / CAS / %) with Pillow in the OFL
Noto Sans CJK TC subset shipped beside this file (``fonts/``, no system font), then degrades it
as a scanner or a phone would: small rotations, Gaussian noise, blur, JPEG artefacts, uneven
light and a slight perspective for photos. ``scan_pdf`` wraps a clean render as an image-only
PDF (Pillow's PDF writer: one JPEG page, no text layer).

Ground truth is the INCI name, CAS and concentration each line is rendered with; the Chinese
name column is the dictionary's own ``zh_name`` so a good read of it is checkable too.
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from app.engines.formula.starter import read_starter_rows

FONT = Path(__file__).resolve().parent / "fonts" / "NotoSansCJKtc-subset.otf"
EN_HEADER = ["No.", "INCI Name", "Chinese Name", "CAS No.", "% w/w"]
ZH_HEADER = ["序號", "成分名稱", "中文名稱", "CAS No.", "含量(%)"]
# Names another starter row or the synonym table maps elsewhere (kept out of the random pool).
_EXCLUDED = {"WATER", "AQUA", "BEESWAX", "CERAMIDE NP", "PARAFFIN", "GLYCERYL STEARATE SE"}
Style = Literal["clean", "scan", "photo", "rough"]
STYLES: tuple[Style, ...] = ("clean", "scan", "photo", "rough")


@dataclass
class ScanTruth:
    """Expected line: INCI, CAS and concentration as rendered."""

    inci_name: str
    cas: str | None
    concentration_pct: float | None


@dataclass
class ScanCase:
    """One rendered file with its expected lines."""

    filename: str
    data: bytes
    truth: list[ScanTruth] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _pool() -> list[tuple[str, str, str]]:
    return [
        (r.inci_name, r.cas_number.split("|")[0], r.zh_name)
        for r in read_starter_rows()
        if r.inci_name not in _EXCLUDED and "/" not in r.inci_name and len(r.inci_name) <= 34
    ]


def _display(inci: str) -> str:
    return " ".join(w if any(ch.isdigit() for ch in w) else w.capitalize() for w in inci.split(" "))


def formula_rows(
    rng: random.Random, lines: int, zh_header: bool
) -> tuple[list[list[str]], list[ScanTruth]]:
    """A header plus ``lines`` ingredient rows (water first, q.s. balance) and a total row."""
    picks = rng.sample(_pool(), lines - 1)
    values = sorted((round(10 ** rng.uniform(-1.5, 0.85), 2) for _ in picks), reverse=True)
    scale = min(1.0, 45.0 / sum(values))
    values = [max(0.01, round(v * scale, 2)) for v in values]
    water = round(100 - sum(values), 2)
    rows = [list(ZH_HEADER if zh_header else EN_HEADER)]
    rows.append(["1", "Water", "水", "7732-18-5", "適量" if zh_header else "q.s."])
    truth = [ScanTruth("WATER", "7732-18-5", water)]
    for i, ((inci, cas, zh), value) in enumerate(zip(picks, values, strict=True), start=2):
        rows.append([str(i), _display(inci), zh, cas, f"{value:.2f}"])
        truth.append(ScanTruth(inci, cas or None, value))
    rows.append(["", "合計 Total" if zh_header else "Total", "", "", "100.00"])
    return rows, truth


def render_table(
    rows: list[list[str]], title: str = "Formula", font_px: int = 22, ruled: bool = True
) -> Image.Image:
    """Draw the grid on a white page (RGB)."""
    font = ImageFont.truetype(str(FONT), font_px)
    pad = font_px // 2
    widths = [
        max(int(font.getlength(r[c])) for r in rows if c < len(r)) + 2 * pad
        for c in range(len(rows[0]))
    ]
    row_h = int(font_px * 1.7)
    left, top = 60, 60 + 2 * row_h
    width = left * 2 + sum(widths)
    height = top + row_h * len(rows) + 80
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    draw.text((left, 60), title, fill="black", font=ImageFont.truetype(str(FONT), font_px + 4))
    y = top
    for r, row in enumerate(rows):
        x = left
        for c, text in enumerate(row):
            align_right = c == len(row) - 1 and r > 0
            tx = x + widths[c] - pad - int(font.getlength(text)) if align_right else x + pad
            draw.text((tx, y + (row_h - font_px) // 2 - 2), text, fill=(20, 20, 20), font=font)
            x += widths[c]
        y += row_h
    if ruled:
        y = top
        for _ in range(len(rows) + 1):
            draw.line((left, y, left + sum(widths), y), fill=(60, 60, 60), width=1)
            y += row_h
        x = left
        for w in [0, *widths]:
            x += w
            draw.line((x, top, x, top + row_h * len(rows)), fill=(60, 60, 60), width=1)
    return img


def degrade(img: Image.Image, rng: random.Random, style: Style) -> Image.Image:
    """Scanner or phone-camera damage; ``clean`` returns the image unchanged."""
    if style == "clean":
        return img
    import numpy as np

    photo = style in ("photo", "rough")
    limit = {"scan": 1.2, "photo": 2.5, "rough": 4.0}[style]
    angle = rng.uniform(-limit, limit)
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    if photo:
        w, h = img.size
        d = 0.02 if style == "photo" else 0.03
        # A slight keystone: the top edge is narrower than the bottom one.
        quad = (
            w * rng.uniform(0, d),
            h * rng.uniform(0, d),
            w * rng.uniform(0, d),
            h * (1 - rng.uniform(0, d)),
            w * (1 - rng.uniform(0, d)),
            h * (1 - rng.uniform(0, d)),
            w * (1 - rng.uniform(0, d)),
            h * rng.uniform(0, d),
        )
        img = img.transform((w, h), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC)
    if style == "rough":
        # A far-away phone shot: fewer pixels per character, then blown up again.
        w, h = img.size
        small = img.resize((int(w * 0.7), int(h * 0.7)), Image.Resampling.BILINEAR)
        img = small.resize((w, h), Image.Resampling.BILINEAR)
    blur = {"scan": (0.4, 0.9), "photo": (0.4, 0.9), "rough": (0.8, 1.2)}[style]
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(*blur)))
    arr = np.asarray(img).astype(np.float32)
    nprng = np.random.default_rng(rng.randrange(2**32))
    arr += nprng.normal(0.0, {"scan": 6.0, "photo": 10.0, "rough": 16.0}[style], arr.shape)
    if photo:
        # Uneven light: a gradient from one corner plus a warm cast.
        h, w = arr.shape[:2]
        gy, gx = np.mgrid[0:h, 0:w]
        shade = 1.0 - 0.22 * ((gx / w) * rng.uniform(0.3, 1) + (gy / h) * rng.uniform(0.3, 1)) / 2
        arr *= shade[..., None]
        arr *= np.array([1.0, 0.97, 0.9], dtype=np.float32)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(30, 45) if style == "rough" else rng.randint(45, 75))
    return Image.open(io.BytesIO(buf.getvalue())).convert("RGB")


def encode(img: Image.Image, fmt: Literal["png", "jpeg"]) -> bytes:
    """Image bytes (PNG or JPEG q85)."""
    buf = io.BytesIO()
    if fmt == "png":
        img.convert("L").save(buf, "PNG", optimize=True)
    else:
        img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def scan_pdf(img: Image.Image, dpi: float = 150.0) -> bytes:
    """An image-only PDF of one page (no text layer), as a flatbed scanner writes it."""
    buf = io.BytesIO()
    img.convert("L").save(buf, "PDF", resolution=dpi)
    return buf.getvalue()


def make_scan_case(index: int, rng: random.Random) -> ScanCase:
    """Case ``index``: style, format, header language, ruling and size rotate with the index."""
    style = STYLES[index % len(STYLES)]
    k = index // len(STYLES)  # varies the other axes independently of the style
    zh_header = (index + k) % 2 == 1
    ruled = k % 3 != 2
    lines = rng.randint(10, 30) if index % 5 else 30
    font_px = rng.choice([20, 22, 24])
    rows, truth = formula_rows(rng, lines, zh_header)
    title = "配方表 Formula" if zh_header else f"Formula sheet #{index}"
    img = degrade(render_table(rows, title, font_px, ruled), rng, style)
    kind: Literal["png", "jpeg", "pdf"]
    if style in ("photo", "rough"):
        kind = "jpeg"
    elif k % 2:
        kind = "pdf"
    else:
        kind = "png" if style == "clean" else "jpeg"
    if kind == "pdf":
        data, ext = scan_pdf(img), "pdf"
    else:
        data, ext = encode(img, kind), "png" if kind == "png" else "jpg"
    features = [style, kind, "zh_header" if zh_header else "en_header", f"lines={lines}"]
    features += [] if ruled else ["unruled"]
    return ScanCase(f"scan_{index:02d}_{style}.{ext}", data, truth, features, rows)


def generate_scans(out_dir: Path | None, count: int = 12, seed: int = 20261201) -> list[ScanCase]:
    """``count`` cases; with ``out_dir`` also the files plus ``<file>.truth.json``."""
    rng = random.Random(seed)
    cases = [make_scan_case(i, rng) for i in range(count)]
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for case in cases:
            (out_dir / case.filename).write_bytes(case.data)
            truth = {"features": case.features, "ingredients": [t.__dict__ for t in case.truth]}
            (out_dir / f"{case.filename}.truth.json").write_text(
                json.dumps(truth, indent=1, ensure_ascii=False)
            )
    return cases
