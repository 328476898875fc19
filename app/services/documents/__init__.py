"""Documents context: the 14-section regulatory PDF (spec 05 §6), live or from a snapshot, its
PAdES signature, the complete dossier and offline verification.

`render_regulatory_pdf(session, org_id, product_id, version_id=None | snapshot id, lang=...)`
returns the PDF bytes; the same snapshot and `RENDERER_VERSION` give the same bytes, and
`sign_snapshot_pdf` signs them (deterministically) when that snapshot is signed.
"""

import importlib
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import org_of
from app.models import PifVersion, Product
from app.services.documents.dossier import (
    DOSSIER_TASK,
    INLINE_LIMIT_BYTES,
    Built,
    Generated,
    build_dossier,
    download,
    generate,
    pdf_producer,
    resolve_snapshot,
    run_build,
    use_pdf_producer,
)
from app.services.documents.render import RENDERER_VERSION, render_pdf
from app.services.documents.service import RenderedPdf, regulatory_pdf, render_regulatory_pdf
from app.services.documents.stub_pdf import one_page_pdf

if TYPE_CHECKING:
    from app.services.documents.signing import (
        active_signing_key,
        generate_material,
        import_material,
        org_certificates,
        parse_import,
        sign_if_signed,
        sign_pdf,
        sign_snapshot_pdf,
        signature_facts,
        signing_material,
    )
    from app.services.documents.signing_types import SignatureFacts, SigningMaterial
    from app.services.documents.verify import (
        Problem,
        SignatureInfo,
        VerifyReport,
        load_trust_roots,
        verify_dossier,
        verify_file,
        verify_pdf,
    )

# Signing and verification load cryptography (~8 MiB resident): their names are imported on first
# use (PEP 562), not with the app (issue 18).
_LAZY = {
    **dict.fromkeys(
        ("active_signing_key", "generate_material", "import_material", "org_certificates",
         "parse_import", "sign_if_signed", "sign_pdf", "sign_snapshot_pdf", "signature_facts",
         "signing_material"),
        "signing",
    ),
    **dict.fromkeys(("SignatureFacts", "SigningMaterial"), "signing_types"),
    **dict.fromkeys(
        ("Problem", "SignatureInfo", "VerifyReport", "load_trust_roots", "verify_dossier",
         "verify_file", "verify_pdf"),
        "verify",
    ),
}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


async def _regulatory_pdf_of(
    session: AsyncSession, product: Product, snapshot: PifVersion
) -> bytes:
    """The dossier's PDF: the 14-section render of exactly the snapshot the manifest names."""
    return await render_regulatory_pdf(session, org_of(product), product.id, version_id=snapshot.id)


use_pdf_producer(_regulatory_pdf_of)

__all__ = [
    "DOSSIER_TASK",
    "INLINE_LIMIT_BYTES",
    "RENDERER_VERSION",
    "Built",
    "Generated",
    "Problem",
    "RenderedPdf",
    "SignatureFacts",
    "SignatureInfo",
    "SigningMaterial",
    "VerifyReport",
    "active_signing_key",
    "build_dossier",
    "download",
    "generate",
    "generate_material",
    "import_material",
    "load_trust_roots",
    "one_page_pdf",
    "org_certificates",
    "parse_import",
    "pdf_producer",
    "regulatory_pdf",
    "render_pdf",
    "render_regulatory_pdf",
    "resolve_snapshot",
    "run_build",
    "sign_if_signed",
    "sign_pdf",
    "sign_snapshot_pdf",
    "signature_facts",
    "signing_material",
    "use_pdf_producer",
    "verify_dossier",
    "verify_file",
    "verify_pdf",
]
