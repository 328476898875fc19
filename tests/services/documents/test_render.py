"""The renderer: shipped font only, Chinese text extractable, same document -> same bytes."""

import io
import unicodedata
from datetime import date
from importlib import resources
from pathlib import Path

import pdfplumber
from fontTools.ttLib import TTFont

from app.engines.documents import DocumentInput, build_document
from app.services.documents import render_pdf
from app.services.documents.render import _fonts

FONT_DIR = Path(str(resources.files("app.data").joinpath("fonts")))


def document(name: str = "保濕精華液", raw: str = "對羥基苯甲酸甲酯") -> DocumentInput:
    snap = {
        "product": {"name": name, "category": "general"},
        "items": {},
        "formula_lines": [{"raw_name": raw, "inci_name": "METHYLPARABEN", "cas": "99-76-3",
                           "concentration_pct": "0.2000", "sort_order": 1}],
    }  # fmt: skip
    return DocumentInput(snap, "V0", True, date(2026, 12, 1), "某品牌", "brand")


def text_of(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return "\n".join(page.extract_text() or "" for page in doc.pages)


def test_traditional_chinese_renders_with_the_shipped_font_and_extracts() -> None:
    pdf = render_pdf(build_document(document(), "zh-TW"))
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    text = text_of(pdf)
    assert "保濕精華液" in text and "對羥基苯甲酸甲酯" in text
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        fonts = {c["fontname"] for page in doc.pages for c in page.chars}
    assert fonts and all("NotoSansTC" in f for f in fonts), fonts


def test_only_the_shipped_font_family_is_visible_to_the_renderer() -> None:
    families = set(_fonts().families())
    assert "Noto Sans TC" in families
    assert not {"DejaVu Sans", "DejaVu Serif"} & families  # installed here, but never used


def test_same_document_gives_the_same_bytes_and_values_are_never_markup() -> None:
    tricky = document(name='#panic("x") *bold* $x$ <a> @ref // c', raw="\\ ] [ } {")
    one = render_pdf(build_document(tricky, "en"))
    assert one == render_pdf(build_document(tricky, "en"))
    text = text_of(one)
    assert '#panic("x") *bold* $x$ <a> @ref // c' in text
    assert b"/CreationDate" not in one


def test_font_covers_big5_and_every_character_of_the_shipped_data() -> None:
    font_file = FONT_DIR / "NotoSansTC-Regular-subset.ttf"
    assert font_file.stat().st_size < 6_000_000
    assert "SIL Open Font License" in (FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    cmap = TTFont(font_file)["cmap"].getBestCmap()
    data = Path(str(resources.files("app.data")))
    wanted = set()
    for path in (data / "tfda").glob("*.csv"):
        text = unicodedata.normalize("NFKC", path.read_text(encoding="utf-8"))
        wanted |= {c for c in text if 0x4E00 <= ord(c) <= 0x9FFF}
    assert len(wanted) > 300
    assert sorted(c for c in wanted if ord(c) not in cmap) == []
    for word in ("烷", "酯", "醛", "醯", "羥", "粧"):  # Big5 level 2 chemistry characters
        assert ord(word) in cmap
