"""Offline OCR of formula images and scanned PDFs (the rendered corpus of bench/formula/scans).

The OCR model is loaded once per test process (the engine is cached); only a few images are
recognised here, the full corpus runs in ``python -m bench.formula.run_scans``.
"""

from __future__ import annotations

import io
import random
import socket
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from app.engines.formula import ExtractionError, extract_formula
from app.engines.formula.concentration import parse_concentration
from app.engines.formula.inci import IngredientDictionary
from app.engines.formula.models import FormulaExtractionResult
from app.engines.formula.ocr import OcrBox, OcrLimits, _engine, model_paths
from app.engines.formula.ocr_table import boxes_to_grid
from app.engines.formula.readers import detect_kind
from app.engines.formula.resolve import resolve_line
from app.engines.formula.rows import Line
from bench.formula.run import FIELDS, score_file
from bench.formula.scans import (
    FONT,
    ScanTruth,
    degrade,
    encode,
    formula_rows,
    render_table,
    scan_pdf,
)
from tests.engines.formula.formula_sheets import xlsx_bytes


def _box(text: str, x: float, y: float, w: float, score: float = 0.99, h: float = 20) -> OcrBox:
    return OcrBox(text, score, ((x, y), (x + w, y), (x + w, y + h), (x, y + h)))


def _lines(result: FormulaExtractionResult) -> list[tuple[str | None, str | None, float | None]]:
    return sorted((i.inci_name, i.cas, i.concentration_pct) for i in result.ingredients)


def _accuracy(result: FormulaExtractionResult, truth: list[ScanTruth]) -> float:
    scores = score_file([i.model_dump() for i in result.ingredients], [t.__dict__ for t in truth])
    tp = sum(scores[f].tp for f in FIELDS)
    return tp / max(sum(max(scores[f].pred, scores[f].truth) for f in FIELDS), 1)


@pytest.fixture(scope="module")
def table_30() -> tuple[list[list[str]], list[ScanTruth]]:
    """One 30-line formula (Chinese header, Chinese names, CAS, q.s. water)."""
    return formula_rows(random.Random(30), 30, zh_header=True)


# --- table reconstruction from boxes (no model) -----------------------------------------------


def test_boxes_become_rows_and_columns_with_cell_confidence() -> None:
    boxes = [
        _box("Formula sheet", 10, 0, 200),
        _box("INCI Name", 10, 50, 120),
        _box("CAS No.", 300, 50, 80),
        _box("%", 450, 50, 20),
        _box("Water", 10, 90, 70),
        _box("7732-18-5", 300, 92, 100),
        _box("9.s.", 450, 89, 40, 0.88),  # the recogniser's usual misread of "q.s."
        _box("Glycerin", 10, 130, 90, 0.61),
        _box("56-81-5", 300, 131, 80),
        _box("5.00", 440, 129, 50, 0.9),
    ]
    grid, confidence = boxes_to_grid(list(reversed(boxes)))
    assert grid == [
        ["Formula sheet", "", ""],
        ["INCI Name", "CAS No.", "%"],
        ["Water", "7732-18-5", "q.s."],
        ["Glycerin", "56-81-5", "5.00"],
    ]
    assert confidence[(3, 0)] == 0.61 and confidence[(3, 2)] == 0.9
    assert (0, 1) not in confidence  # an empty cell has no recognition score


def test_merged_header_boxes_are_split_into_their_columns() -> None:
    boxes = [
        _box("序號 成分名稱", 10, 0, 180),  # the detector merged two header cells
        _box("含量(%)", 400, 0, 80),
        *(
            box
            for i, (name, value) in enumerate(
                [("Water", "通量"), ("Glycerin", "5.00"), ("Mica", "1.0")]
            )
            for box in (
                _box(str(i + 1), 10, 40 * (i + 1), 15),
                _box(name, 80, 40 * (i + 1), 90),
                _box(value, 420, 40 * (i + 1), 50),
            )
        ),
    ]
    grid, _ = boxes_to_grid(boxes)
    assert grid[0] == ["序號", "成分名稱", "含量(%)"]
    assert grid[1] == ["1", "Water", "適量"]  # and the usual misread of 適量 is undone


def test_a_rotated_page_is_deskewed_before_rows_are_formed() -> None:
    import math

    angle = math.radians(2.0)

    def rotated(text: str, x: float, y: float, w: float) -> OcrBox:
        b = _box(text, x, y, w)
        c, s = math.cos(angle), math.sin(angle)
        return OcrBox(
            text, b.score, tuple((px * c - py * s, px * s + py * c) for px, py in b.points)
        )

    boxes = [
        rotated("INCI Name", 10, 50, 300),
        rotated("%", 700, 50, 30),
        rotated("Glycerin", 10, 80, 300),
        rotated("5.0", 700, 80, 40),
    ]
    grid, _ = boxes_to_grid(boxes)
    # Without deskewing, "%" (24 px lower at x=700) would land in the Glycerin row.
    assert grid == [["INCI Name", "%"], ["Glycerin", "5.0"]]


def test_split_words_of_one_cell_are_joined_left_to_right() -> None:
    boxes = [
        _box("INCI", 10, 0, 40),
        _box("Name", 60, 0, 50),
        _box("%", 400, 0, 20),
        _box("Cetearyl", 10, 40, 80),
        _box("Alcohol", 100, 40, 70),
        _box("2.0", 400, 40, 30),
    ]
    grid, _ = boxes_to_grid(boxes)
    assert grid == [["INCI Name", "%"], ["Cetearyl Alcohol", "2.0"]]


def test_ocr_scores_scale_field_confidence_and_flag_doubtful_cells(
    starter: IngredientDictionary,
) -> None:
    def line(name: str, cas: str, conc: str, scores: dict[str, float]) -> Line:
        return Line(name, cas, parse_concentration(conc), "", "", 2, ocr_conf=scores)  # type: ignore[arg-type]

    sure = resolve_line(
        line("Glycerin", "56-81-5", "5.00", {"name": 0.7, "cas": 0.7, "conc": 0.99}), starter, False
    )
    # The dictionary confirms the name and the CAS: the read is trusted despite 0.7.
    assert sure.inci_conf == pytest.approx(0.95) and sure.cas_conf == pytest.approx(0.95)
    assert sure.conc_conf == pytest.approx(0.98 * 0.99, abs=1e-4)
    assert "ocr_low_confidence" not in sure.flags
    doubtful = resolve_line(line("Glycerin", "56-81-5", "5.00", {"conc": 0.55}), starter, False)
    assert doubtful.conc_conf == pytest.approx(0.98 * 0.55, abs=1e-4)
    assert "ocr_low_confidence" in doubtful.flags
    assert any(n.startswith("OCR") for n in doubtful.notes)


# --- the model: shipped in the wheel, no network --------------------------------------------


def test_models_ship_in_the_package_and_load_without_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert all(p.is_file() and p.stat().st_size > 100_000 for p in model_paths().values())

    def no_network(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the OCR engine tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    engine = _engine.__wrapped__(1)  # a fresh load, not the cached one
    img = Image.new("RGB", (400, 80), "white")
    ImageDraw.Draw(img).text(
        (10, 20), "Glycerin 5.00", fill="black", font=ImageFont.truetype(str(FONT), 32)
    )
    out = engine(__import__("numpy").asarray(img)[:, :, ::-1].copy())
    assert out.txts is not None and "Glycerin" in " ".join(out.txts)


# --- end to end on rendered images ------------------------------------------------------------


def test_photo_of_a_30_line_table_gives_lines_with_ocr_confidences(
    table_30: tuple[list[list[str]], list[ScanTruth]], starter: IngredientDictionary
) -> None:
    rows, truth = table_30
    photo = degrade(render_table(rows, "配方表 Formula"), random.Random(5), "photo")
    data = encode(photo, "jpeg")
    assert detect_kind(data, "IMG_0042.JPG") == "image"
    result = extract_formula(data, "IMG_0042.JPG", starter)
    assert len(result.ingredients) == 30
    assert _accuracy(result, truth) >= 0.95
    assert result.ocr is not None and result.ocr.pages == [1]
    assert 0.5 < result.ocr.mean_confidence <= 1.0
    for line in result.ingredients:
        assert line.notes is not None and "OCR page 1 (recognition" in line.notes
        assert line.confidence.concentration_pct <= 0.98  # scaled by the cell's recognition score
    assert min(i.confidence.concentration_pct for i in result.ingredients) < 0.98


def test_clean_scan_pdf_matches_the_typed_version(
    table_30: tuple[list[list[str]], list[ScanTruth]], starter: IngredientDictionary
) -> None:
    rows, _ = table_30
    typed = extract_formula(xlsx_bytes(rows), "formula.xlsx", starter)
    scan = scan_pdf(render_table(rows, "配方表 Formula"))
    assert detect_kind(scan, "scan.pdf") == "pdf"
    scanned = extract_formula(scan, "scan.pdf", starter)
    assert typed.ocr is None and scanned.ocr is not None and scanned.ocr.pages == [1]
    assert _lines(scanned) == _lines(typed)
    assert [i.zh_name for i in scanned.ingredients] == [i.zh_name for i in typed.ingredients]


# --- failures: always a reason ----------------------------------------------------------------


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def test_a_blank_scan_is_unreadable(starter: IngredientDictionary) -> None:
    with pytest.raises(ExtractionError, match="scan unreadable: no text recognised on the image"):
        extract_formula(_png(Image.new("L", (600, 400), 255)), "blank.png", starter)


def test_a_scan_without_a_formula_table_says_so(starter: IngredientDictionary) -> None:
    img = Image.new("RGB", (900, 200), "white")
    font = ImageFont.truetype(str(FONT), 30)
    ImageDraw.Draw(img).text(
        (20, 40), "Dear customer, thank you for your order.", fill="black", font=font
    )
    with pytest.raises(
        ExtractionError, match=r"scan read by OCR \(page\(s\) 1\), but no ingredient"
    ):
        extract_formula(_png(img), "letter.png", starter)


def test_page_and_pixel_caps_refuse_before_any_recognition(starter: IngredientDictionary) -> None:
    pages = [Image.new("L", (300, 300), 255) for _ in range(3)]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:])
    with pytest.raises(ExtractionError, match=r"3 pages; the OCR page cap is 2 \(OCR_MAX_PAGES\)"):
        extract_formula(buf.getvalue(), "scan.pdf", starter, ocr=OcrLimits(max_pages=2))
    big = _png(Image.new("L", (3000, 2000), 255))
    with pytest.raises(ExtractionError, match="3000x2000 px exceeds the cap of 5 megapixels"):
        extract_formula(big, "big.png", starter, ocr=OcrLimits(max_pixels=5_000_000))
