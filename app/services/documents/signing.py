"""PAdES signatures with the organization's key (pyHanko), and the key's lifecycle.

Each organization signs with its own key: an ECDSA P-256 key and a self-signed certificate made
on first use, or a certificate + key the operator imports (PKCS#12 or PEM). The private key is
stored Fernet-encrypted like the other per-org secrets (`app.core.crypto`). A signed snapshot's
PDF carries the safety assessor's name, qualification reference, signing time and the snapshot's
`signature_hash` in the signature dictionary (/Name, /ContactInfo, /Reason, /M): the PAdES byte
range covers all of it, so none can be edited without breaking the signature.
"""

import asyncio
import hashlib
import re
import uuid
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.crypto import decrypt_str, encrypt_str
from app.core.errors import NotFound, Unprocessable
from app.core.tenancy import OrgId
from app.models import PifVersion
from app.models.documents import OrgSigningKey
from app.models.enums import SigningKeySource
from app.services import audit, review
from app.services.audit import ClientInfo
from app.services.documents import repository
from app.services.documents.signing_types import SignatureFacts, SigningMaterial

SignerKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
CERT_VALIDITY = timedelta(days=3650)
# generated certificates are valid from before any snapshot this system signed: a PDF states the
# SA's signing time, which may predate the key (made on first use)
VALID_FROM = datetime(2020, 1, 1, tzinfo=UTC)
_PEM_KEY = re.compile(
    rb"-----BEGIN [A-Z ]*PRIVATE KEY-----.+?-----END [A-Z ]*PRIVATE KEY-----", re.S
)


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def generate_material(org_name: str, *, now: datetime | None = None) -> SigningMaterial:
    """A fresh P-256 key and a self-signed certificate naming the organization."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    org = (org_name.strip() or "PIF organization")[:64]
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{org} PIF signing"[:64]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        ]
    )
    usage = x509.KeyUsage(
        digital_signature=True, content_commitment=True, key_encipherment=False,
        data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=False,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(min(now - timedelta(minutes=5), VALID_FROM))
        .not_valid_after(now + CERT_VALIDITY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return SigningMaterial(certificate, key)


def _signer_key(key: object) -> SignerKey:
    if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        return key
    raise Unprocessable("Only RSA and ECDSA signing keys are supported", code="unsupported_key")


def parse_import(data: bytes, password: str | None = None) -> SigningMaterial:
    """A PKCS#12 archive, or PEM with the certificate(s) and the private key; 422 if unusable."""
    secret = password.encode() if password else None
    if b"-----BEGIN" in data:
        try:
            certificates = x509.load_pem_x509_certificates(data)
        except ValueError as exc:
            raise Unprocessable("No PEM certificate found", code="bad_certificate") from exc
        block = _PEM_KEY.search(data)
        if block is None:
            raise Unprocessable("The PEM holds no private key", code="bad_certificate")
        try:
            key = serialization.load_pem_private_key(block.group(0), password=secret)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise Unprocessable(
                "The private key cannot be read (wrong password?)", code="bad_certificate"
            ) from exc
        material = SigningMaterial(certificates[0], _signer_key(key), tuple(certificates[1:]))
    else:
        try:
            archived, certificate, extra = pkcs12.load_key_and_certificates(data, secret)
        except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
            raise Unprocessable(
                "Not a readable PKCS#12 archive (wrong password?)", code="bad_certificate"
            ) from exc
        if archived is None or certificate is None:
            raise Unprocessable(
                "The archive needs a key and its certificate", code="bad_certificate"
            )
        material = SigningMaterial(certificate, _signer_key(archived), tuple(extra))
    public = material.private_key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    certified = material.certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    if public != certified:
        raise Unprocessable("The key does not match the certificate", code="key_mismatch")
    if material.certificate.not_valid_after_utc < datetime.now(UTC):
        raise Unprocessable("The certificate has expired", code="certificate_expired")
    return material


def sign_pdf(pdf: bytes, material: SigningMaterial, facts: SignatureFacts) -> bytes:
    """The PDF with a PAdES B-B signature (incremental update) stating `facts`. CPU only.

    Deterministic: the same PDF, key and facts give the same bytes (fixed signing time, RFC 6979
    ECDSA, a document ID derived from the content), so a signed snapshot's PDF stays byte-stable.
    pyHanko loads with the first signature, not with the app (issue 18).
    """
    from app.services.documents.pades import sign_pdf as pades_sign

    return pades_sign(pdf, material, facts)


def sign_detached(data: bytes, material: SigningMaterial) -> bytes:
    """A raw signature over `data` (SHA-256; ECDSA DER or RSA PKCS#1 v1.5)."""
    key = material.private_key
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    return key.sign(data, ec.ECDSA(hashes.SHA256()))


def verify_detached(data: bytes, signature: bytes, certificate: x509.Certificate) -> bool:
    public = certificate.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except InvalidSignature:
        return False
    return True


def _material_from_row(settings: Settings, row: OrgSigningKey) -> SigningMaterial:
    key = serialization.load_pem_private_key(
        decrypt_str(settings, row.private_key).encode(), password=None
    )
    chain = x509.load_pem_x509_certificates(row.chain_pem.encode()) if row.chain_pem else []
    return SigningMaterial(
        x509.load_pem_x509_certificate(row.certificate_pem.encode()),
        _signer_key(key),
        tuple(chain),
    )


def _row(
    settings: Settings, org_id: OrgId, material: SigningMaterial, source: SigningKeySource
) -> OrgSigningKey:
    pem = material.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return OrgSigningKey(
        org_id=org_id,
        source=source.value,
        certificate_pem=material.certificate_pem,
        chain_pem="".join(
            c.public_bytes(serialization.Encoding.PEM).decode() for c in material.chain
        ),
        private_key=encrypt_str(settings, pem),
        fingerprint_sha256=fingerprint(material.certificate),
        subject=material.certificate.subject.rfc4514_string(),
        not_after=material.certificate.not_valid_after_utc,
    )


async def signing_material(
    session: AsyncSession, settings: Settings, org_id: OrgId
) -> SigningMaterial:
    """The org's active key; generated (and stored encrypted) on first use."""
    row = await repository.active_signing_key_for_org(session, org_id)
    if row is None:
        name = await repository.org_name_for_org(session, org_id) or "PIF organization"
        created = _row(settings, org_id, generate_material(name), SigningKeySource.GENERATED)
        try:
            async with session.begin_nested():
                session.add(created)
        except IntegrityError:  # a concurrent first use won: take its key
            row = await repository.active_signing_key_for_org(session, org_id)
            assert row is not None
        else:
            row = created
    return _material_from_row(settings, row)


async def active_signing_key(session: AsyncSession, org_id: OrgId) -> OrgSigningKey | None:
    return await repository.active_signing_key_for_org(session, org_id)


async def org_certificates(session: AsyncSession, org_id: OrgId) -> list[x509.Certificate]:
    """Every certificate the org has signed with (active first), the trust roots to verify."""
    rows = await repository.signing_keys_for_org(session, org_id)
    return [x509.load_pem_x509_certificate(r.certificate_pem.encode()) for r in rows]


async def import_material(
    session: AsyncSession,
    settings: Settings,
    org_id: OrgId,
    *,
    data: bytes,
    password: str | None,
    user_id: uuid.UUID | None,
    client: ClientInfo | None = None,
) -> OrgSigningKey:
    """Replace the org's active key with an imported one; the old one is kept, retired."""
    material = parse_import(data, password)
    active = await repository.active_signing_key_for_org(session, org_id)
    if active is not None:
        active.retired_at = datetime.now(UTC)
        await session.flush()
    row = _row(settings, org_id, material, SigningKeySource.IMPORTED)
    session.add(row)
    await session.flush()
    await audit.record(
        session,
        "settings.signing_certificate_imported",
        org_id=org_id,
        user_id=user_id,
        resource_type="org_signing_key",
        resource_id=row.id,
        details={"fingerprint_sha256": row.fingerprint_sha256, "subject": row.subject},
        client=client,
    )
    return row


async def signature_facts(
    session: AsyncSession, org_id: OrgId, snapshot: PifVersion
) -> SignatureFacts | None:
    """What a signed snapshot's PDF signature states; None for an unsigned draft."""
    if not snapshot.is_signed or snapshot.signature_hash is None:
        return None
    signer = await repository.snapshot_signer_for_org(session, org_id, snapshot)
    return SignatureFacts(
        sa_name=signer.sa_name if signer else "unknown",
        qualification_ref=signer.qualification_ref if signer else None,
        signed_at=snapshot.signed_at or snapshot.created_at,
        signature_hash=snapshot.signature_hash,
        version_label=snapshot.version_label,
        snapshot_id=snapshot.id,
    )


async def sign_if_signed(
    session: AsyncSession,
    settings: Settings,
    pdf: bytes,
    snapshot: PifVersion,
    *,
    org_id: OrgId,
) -> bytes:
    """The PDF of a signed snapshot with the org's PAdES signature; a draft's PDF unchanged."""
    facts = await signature_facts(session, org_id, snapshot)
    if facts is None:
        return pdf
    material = await signing_material(session, settings, org_id)
    # CPU work: off the event loop
    return await asyncio.to_thread(sign_pdf, pdf, material, facts)


async def sign_snapshot_pdf(
    session: AsyncSession,
    settings: Settings,
    pdf: bytes,
    *,
    org_id: OrgId,
    product_id: uuid.UUID,
    version_id: uuid.UUID,
) -> bytes:
    """For the snapshot PDF route: the rendered PDF, signed when that snapshot is signed."""
    versions = await review.list_versions(session, org_id, product_id)  # 404 across tenants
    snapshot = next((v for v in versions if v.id == version_id), None)
    if snapshot is None:
        raise NotFound("Version not found")
    return await sign_if_signed(session, settings, pdf, snapshot, org_id=org_id)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
