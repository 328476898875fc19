"""Offline OCR of formula images and image-only PDF pages (RapidOCR, PP-OCRv6 ONNX models).

The models ship inside the ``rapidocr`` wheel (pinned to a version that carries them) and are
loaded by explicit path, so nothing is downloaded at run time; the engine is built once per
process and shared (calls are serialised: the machine has few cores and ONNX Runtime already
uses them). Costs are bounded by :class:`OcrLimits`: pages and pixels are checked before any
recognition work and a breach is an :class:`ExtractionError` with the reason, never a silent
empty result.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from app.engines.formula.errors import ExtractionError

ENGINE_NAME = "rapidocr 3.10 PP-OCRv6 small (onnxruntime)"
# Images are recognised with their long side at most this many pixels (PP-OCR's own limit).
_MAX_SIDE = 2000
_MODELS = {
    "Det": "PP-OCRv6_det_small.onnx",
    "Cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
    "Rec": "PP-OCRv6_rec_small.onnx",
}
_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",
    b"MM\x00*",
    b"BM",
)
_lock = threading.Lock()


@dataclass(frozen=True)
class OcrLimits:
    """Cost bounds: image-only pages per file, pixels per page, raster DPI, ORT threads."""

    max_pages: int = 10
    max_pixels: int = 40_000_000
    dpi: int = 200
    threads: int = 2
    enabled: bool = True


@dataclass(frozen=True)
class OcrBox:
    """One recognised text line: text, recognition score and its box corners (x, y)."""

    text: str
    score: float
    points: tuple[tuple[float, float], ...]

    @property
    def x0(self) -> float:
        """Left edge."""
        return min(p[0] for p in self.points)

    @property
    def x1(self) -> float:
        """Right edge."""
        return max(p[0] for p in self.points)

    @property
    def y0(self) -> float:
        """Top edge."""
        return min(p[1] for p in self.points)

    @property
    def y1(self) -> float:
        """Bottom edge."""
        return max(p[1] for p in self.points)


def is_image(data: bytes) -> bool:
    """True for PNG, JPEG, GIF, TIFF, BMP or WebP bytes (magic numbers only)."""
    return data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def model_paths() -> dict[str, Path]:
    """The ONNX files inside the installed ``rapidocr`` package (must exist: never downloaded)."""
    import rapidocr

    root = Path(rapidocr.__file__).resolve().parent / "models"
    return {task: root / name for task, name in _MODELS.items()}


@cache
def _engine(threads: int) -> Any:
    from rapidocr import RapidOCR

    params: dict[str, Any] = {
        "Global.log_level": "error",
        "Global.text_score": 0.3,  # keep doubtful reads: they are flagged, not dropped
        "Global.max_side_len": _MAX_SIDE,
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    for task, path in model_paths().items():
        if not path.is_file():
            raise ExtractionError(f"OCR model missing from the installed package: {path.name}")
        params[f"{task}.model_path"] = str(path)
    return RapidOCR(params=params)


def warm_up(limits: OcrLimits | None = None) -> None:
    """Load the models now (first use otherwise pays ~1 s)."""
    with _lock:
        _engine((limits or OcrLimits()).threads)


def open_image(data: bytes, limits: OcrLimits) -> Any:
    """Decode an image (first frame), refusing ones above the pixel cap before decoding."""
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError) as exc:
        raise ExtractionError("scan unreadable: the image file cannot be decoded") from exc
    width, height = img.size
    if width * height > limits.max_pixels:
        raise ExtractionError(
            f"image too large for OCR: {width}x{height} px exceeds the cap of "
            f"{limits.max_pixels / 1e6:g} megapixels (OCR_MAX_PIXELS)"
        )
    try:
        return img.convert("RGB")
    except (OSError, ValueError) as exc:
        raise ExtractionError("scan unreadable: the image data is damaged") from exc


def recognise(img: Any, limits: OcrLimits) -> list[OcrBox]:
    """Text lines of one RGB page image, in reading order of the detector."""
    import numpy as np
    from PIL import Image

    scale = min(1.0, _MAX_SIDE / max(img.size))
    if scale < 1.0:
        size = (round(img.size[0] * scale), round(img.size[1] * scale))
        img = img.resize(size, Image.Resampling.LANCZOS)
    # RapidOCR takes OpenCV's BGR channel order.
    array = np.ascontiguousarray(np.asarray(img)[:, :, ::-1])
    with _lock:  # one build of the engine, one recognition at a time
        out = _engine(limits.threads)(array)
    if out.txts is None or out.boxes is None or out.scores is None:
        return []
    boxes: list[OcrBox] = []
    for quad, text, score in zip(out.boxes, out.txts, out.scores, strict=True):
        points = tuple((float(x) / scale, float(y) / scale) for x, y in quad)
        boxes.append(OcrBox(str(text).strip(), float(score), points))
    return [b for b in boxes if b.text]


def pdf_text_pages(data: bytes) -> list[bool]:
    """For each page of a PDF: does it carry a text layer (any character)?"""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        flags = []
        for i in range(len(pdf)):
            page = pdf[i]
            text = page.get_textpage()
            flags.append(bool(text.get_text_range().strip()))
            text.close()
            page.close()
        return flags
    finally:
        pdf.close()


def rasterise_pages(data: bytes, pages: list[int], limits: OcrLimits) -> list[Any]:
    """Render 1-based ``pages`` to RGB images at ``limits.dpi``, scaled down to the pixel cap."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        images = []
        for number in pages:
            page = pdf[number - 1]
            width, height = page.get_size()  # points
            scale = limits.dpi / 72.0
            pixels = width * height * scale * scale
            if pixels > limits.max_pixels:
                scale *= (limits.max_pixels / pixels) ** 0.5
            images.append(page.render(scale=scale).to_pil().convert("RGB"))
            page.close()
        return images
    finally:
        pdf.close()
