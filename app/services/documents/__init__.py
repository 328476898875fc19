"""Documents context: the 14-section regulatory PDF (spec 05 §6), live or from a snapshot.

`render_regulatory_pdf(session, org_id, product_id, version_id=None | snapshot id, lang=...)`
returns the PDF bytes; the same snapshot and `RENDERER_VERSION` give the same bytes.
"""

from app.services.documents.render import RENDERER_VERSION, render_pdf
from app.services.documents.service import RenderedPdf, regulatory_pdf, render_regulatory_pdf

__all__ = [
    "RENDERER_VERSION",
    "RenderedPdf",
    "regulatory_pdf",
    "render_pdf",
    "render_regulatory_pdf",
]
