"""The PAdES signing itself (pyHanko), imported by `signing.sign_pdf` on first use: serving
loads pyHanko only when a request signs or verifies a PDF (issue 18)."""

import hashlib
import io
from datetime import UTC, datetime
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import DocumentMetadata
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore

from app.services.documents.signing_types import (
    SIGNATURE_FIELD,
    SignatureFacts,
    SigningMaterial,
    run_blocking,
)


def _asn1_cert(certificate: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class _DeterministicSigner(signers.SimpleSigner):
    """ECDSA with RFC 6979 nonces (RSA PKCS#1 v1.5 is deterministic already)."""

    def __init__(self, material: SigningMaterial, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._key = material.private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if isinstance(self._key, ec.EllipticCurvePrivateKey) and digest_algorithm == "sha256":
            return self._key.sign(data, ec.ECDSA(hashes.SHA256(), deterministic_signing=True))
        return super().sign_raw(data, digest_algorithm)


class _FixedTimeSigner(signers.PdfSigner):
    """Signing time = the SA's signature time recorded in the snapshot (not the render time)."""

    def __init__(self, *args: Any, signing_time: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(  # type: ignore[no-untyped-def]
        self, pdf_out, existing_fields_only=False
    ):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signing_time
        return session


class _FixedModDate(DocumentMetadata):
    """pyHanko stamps ModDate with 'now' on every write: pin it to the signing time."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "last_modified" and value == "now":
            value = self.__dict__.get("_pinned", value)
        super().__setattr__(name, value)


def sign_pdf(pdf: bytes, material: SigningMaterial, facts: SignatureFacts) -> bytes:
    """The PDF with a PAdES B-B signature (incremental update) stating `facts`. CPU only.

    Deterministic: the same PDF, key and facts give the same bytes (fixed signing time, RFC 6979
    ECDSA, a document ID derived from the content), so a signed snapshot's PDF stays byte-stable.
    """
    key_info = asn1_keys.PrivateKeyInfo.load(
        material.private_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    certs = [_asn1_cert(c) for c in (material.certificate, *material.chain)]
    signer = _DeterministicSigner(
        material,
        signing_cert=certs[0],
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs(certs),  # type: ignore[no-untyped-call]
    )
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        name=facts.sa_name,
        contact_info=facts.qualification_ref or "qualification not on record",
        location="Taiwan",
        reason=facts.reason,
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    seed = hashlib.sha256(pdf + facts.reason.encode()).digest()
    try:
        first = writer.prev.trailer["/ID"][0]
    except (KeyError, IndexError, TypeError):
        first = generic.ByteStringObject(hashlib.sha256(pdf).digest()[:16])
    writer._document_id = generic.ArrayObject([first, generic.ByteStringObject(seed[:16])])
    out = io.BytesIO()
    signed_at = facts.signed_at.astimezone(UTC)
    cert = material.certificate
    if not cert.not_valid_before_utc <= signed_at <= cert.not_valid_after_utc:
        signed_at = datetime.now(UTC)  # an imported key newer than the snapshot: sign as of now
    pinned = _FixedModDate()
    pinned.__dict__["_pinned"] = signed_at
    writer._meta = pinned
    pdf_signer = _FixedTimeSigner(meta, signer, signing_time=signed_at)
    run_blocking(lambda: pdf_signer.async_sign_pdf(writer, output=out))
    return out.getvalue()
