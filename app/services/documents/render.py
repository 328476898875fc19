"""Typst renders the section model to PDF (chosen by measurement: decisions.md, bench/RESULTS.md).

The template and the font ship in the package; system fonts are ignored and nothing is
downloaded. The PDF carries no creation date, so the same document gives the same bytes.
"""

import json
from dataclasses import asdict
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from app.engines.documents import RegulatoryDocument

if TYPE_CHECKING:
    import typst

# Bump when the template or the font changes: part of "same snapshot + renderer version".
RENDERER_VERSION = "2"
TEMPLATE = "regulatory.typ"


def _template_dir() -> Path:
    return Path(str(resources.files("app.services.documents")))


def _font_dir() -> Path:
    return Path(str(resources.files("app.data").joinpath("fonts")))


@cache
def _fonts() -> "typst.Fonts":
    """The shipped CJK font only (plus typst's embedded Latin fallbacks); loaded once."""
    import typst  # the renderer loads with the first PDF, not with the app (issue 18)

    return typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=True, font_paths=[str(_font_dir())]
    )


def document_json(document: RegulatoryDocument) -> str:
    return json.dumps(asdict(document), ensure_ascii=False, sort_keys=True)


def render_pdf(document: RegulatoryDocument) -> bytes:
    """PDF bytes of the document (CPU-bound: call it off the event loop)."""
    import typst

    root = _template_dir()
    compiler = typst.Compiler(
        str(root / TEMPLATE),
        root=str(root),
        font_paths=_fonts(),
        ignore_system_fonts=True,
        sys_inputs={"data": document_json(document)},
    )
    pdf = compiler.compile(format="pdf")
    assert isinstance(pdf, bytes)
    return pdf
