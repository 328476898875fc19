"""PAdES signing with the org key and offline verification of PDFs (no database)."""

import io
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from app.core.errors import Unprocessable
from app.services import documents
from app.services.documents.signing import sign_detached, verify_detached

HASH = "ab" * 32
FACTS = documents.SignatureFacts(
    sa_name="王小明",
    qualification_ref="SA-CERT-0001",
    signed_at=datetime(2026, 11, 30, 8, 0, tzinfo=UTC),
    signature_hash=HASH,
    version_label="V1",
    snapshot_id=uuid.UUID(int=1),
)


@pytest.fixture(scope="module")
def material() -> documents.SigningMaterial:
    return documents.generate_material("Acme 股份有限公司")


@pytest.fixture(scope="module")
def signed(material: documents.SigningMaterial) -> bytes:
    return documents.sign_pdf(documents.one_page_pdf(["PIF V1"]), material, FACTS)


def flip(data: bytes, at: int) -> bytes:
    changed = bytearray(data)
    changed[at] ^= 0x01
    return bytes(changed)


async def test_pyhanko_validator_accepts_the_signature_and_sees_the_facts(
    signed: bytes, material: documents.SigningMaterial
) -> None:
    embedded = PdfFileReader(io.BytesIO(signed)).embedded_signatures[0]
    root = embedded.signer_cert
    status = await async_validate_pdf_signature(
        embedded, ValidationContext(trust_roots=[root], allow_fetching=False)
    )
    assert status.bottom_line and status.coverage is not None
    assert status.coverage.name == "ENTIRE_FILE"
    sig = embedded.sig_object
    assert str(sig["/Name"]) == "王小明" and str(sig["/ContactInfo"]) == "SA-CERT-0001"
    reason = str(sig["/Reason"])
    assert f"signature_hash={HASH}" in reason and "2026-11-30T08:00:00+00:00" in reason
    assert str(FACTS.snapshot_id) in reason
    assert signed.startswith(b"%PDF") and signed.rstrip().endswith(b"%%EOF")


def test_signing_is_deterministic_and_states_the_sa_signing_time(
    signed: bytes, material: documents.SigningMaterial
) -> None:
    time.sleep(1.1)  # pyHanko would stamp the (whole-second) wall-clock time
    again = documents.sign_pdf(documents.one_page_pdf(["PIF V1"]), material, FACTS)
    assert again == signed  # a signed snapshot's PDF is byte-stable
    report = documents.verify_pdf(signed, "v1.pdf", [material.certificate])
    assert report.signatures[0].signing_time == "2026-11-30T08:00:00+00:00"
    other = documents.sign_pdf(
        documents.one_page_pdf(["PIF V1"]), material, replace(FACTS, signature_hash="cd" * 32)
    )
    assert other != signed


def test_verify_reports_signer_facts_and_trust(
    signed: bytes, material: documents.SigningMaterial
) -> None:
    report = documents.verify_pdf(signed, "v1.pdf", [material.certificate])
    assert report.ok, report.problems
    (sig,) = report.signatures
    assert (sig.trust, sig.sa_name, sig.signature_hash) == ("supplied", "王小明", HASH)
    assert documents.verify_pdf(signed, "v1.pdf").signatures[0].trust == "embedded"
    stranger = documents.generate_material("Stranger").certificate
    untrusted = documents.verify_pdf(signed, "v1.pdf", [stranger])
    assert not untrusted.ok and "not one of the trusted" in untrusted.problems[0].message


def test_any_flipped_byte_fails_and_says_where(
    signed: bytes, material: documents.SigningMaterial
) -> None:
    br = documents.verify_pdf(signed, "v1.pdf").signatures[0].byte_range
    # in the first signed range, in the signature container, in the second signed range
    for at in (20, br[1] // 2, br[1] + 200, br[3] - 30, len(signed) - 2):
        report = documents.verify_pdf(flip(signed, at), "v1.pdf", [material.certificate])
        assert not report.ok, at
        assert report.problems[0].file == "v1.pdf"
        where = report.problems[0].byte_range
        assert where is not None and any(
            where[i] <= at < where[i + 1] for i in range(0, len(where), 2)
        ), (at, where, report.problems)
    appended = documents.verify_pdf(signed + b"%% more\n", "v1.pdf", [material.certificate])
    assert appended.problems[0].byte_range == [len(signed), len(signed) + 8]


def test_unsigned_and_non_pdf_files_fail() -> None:
    assert "no signature" in documents.verify_pdf(documents.one_page_pdf(["x"])).problems[0].message
    assert not documents.verify_file(b"hello", "x.txt").ok


def test_import_pkcs12_and_pem_and_refuse_bad_ones(material: documents.SigningMaterial) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    own = documents.generate_material("Own")
    archive = pkcs12.serialize_key_and_certificates(
        b"x", own.private_key, own.certificate, None, serialization.BestAvailableEncryption(b"pw")
    )
    assert documents.parse_import(archive, "pw").certificate == own.certificate
    with pytest.raises(Unprocessable):
        documents.parse_import(archive, "wrong")
    pem_key = own.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw"),
    )
    pem = own.certificate_pem.encode() + pem_key
    assert (
        documents.parse_import(pem, "pw").private_key.public_key() == own.private_key.public_key()
    )
    mismatched = own.certificate_pem.encode() + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(Unprocessable) as refused:
        documents.parse_import(mismatched)
    assert refused.value.code == "key_mismatch"
    with pytest.raises(Unprocessable):
        documents.parse_import(own.certificate_pem.encode())  # no key


def rsa_material() -> documents.SigningMaterial:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "RSA org PIF signing")])
    now = datetime.now(UTC)
    usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1)).not_valid_after(now + timedelta(days=30))
        .add_extension(usage, critical=True).sign(key, hashes.SHA256())
    )  # fmt: skip
    return documents.SigningMaterial(cert, key)


def test_an_imported_rsa_key_signs_pdfs_and_manifests() -> None:
    material = rsa_material()
    signed = documents.sign_pdf(documents.one_page_pdf(["x"]), material, FACTS)
    assert documents.verify_pdf(signed, "r.pdf", [material.certificate]).ok
    signature = sign_detached(b"manifest", material)
    assert verify_detached(b"manifest", signature, material.certificate)
    assert not verify_detached(b"manifest!", signature, material.certificate)
    ec_material = documents.generate_material("EC")
    assert not verify_detached(b"manifest", signature, ec_material.certificate)
