"""Offline verification of a signed PIF PDF or a dossier ZIP (`pifai verify`, POST /verify).

Needs no database and no network: pyHanko validates the PAdES signature against the trust roots
given (the organization's certificate), or, when none is given, against the certificate embedded
in the file (integrity only: the report says so). A failure names the file and, for a PDF, the
byte ranges whose digest no longer matches.
"""

import hashlib
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from app.services.documents.dossier_format import (
    CERTIFICATE_NAME,
    MANIFEST_NAME,
    MANIFEST_SIGNATURE_NAME,
    REGULATORY_PDF_KIND,
)
from app.services.documents.signing import verify_detached
from app.services.documents.signing_types import run_blocking

Trust = Literal["supplied", "embedded"]
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_HASH_IN_REASON = re.compile(r"signature_hash=([0-9a-f]{64})")
_SERVICE_FILES = frozenset({MANIFEST_NAME, MANIFEST_SIGNATURE_NAME, CERTIFICATE_NAME})


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    byte_range: list[int] | None = None  # [start, end) pairs, flattened


@dataclass
class SignatureInfo:
    file: str
    signer: str
    fingerprint_sha256: str
    trust: Trust
    intact: bool
    valid: bool
    trusted: bool
    coverage: str
    byte_range: list[int]
    sa_name: str | None
    qualification_ref: str | None
    reason: str | None
    signature_hash: str | None
    signing_time: str | None


@dataclass
class VerifyReport:
    file: str
    kind: Literal["pdf", "dossier", "unknown"]
    problems: list[Problem] = field(default_factory=list)
    signatures: list[SignatureInfo] = field(default_factory=list)
    checked_files: list[str] = field(default_factory=list)
    snapshot_id: str | None = None
    signature_hash: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, **asdict(self)}


def _fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def _ranges(br: list[int]) -> list[int]:
    """ByteRange [a, len_a, b, len_b] as [start, end) pairs."""
    return [br[0], br[0] + br[1], br[2], br[2] + br[3]]


def _describe(pairs: list[int]) -> str:
    return f"bytes {pairs[0]}-{pairs[1] - 1} and {pairs[2]}-{pairs[3] - 1}"


def _raw_digest_check(data: bytes, name: str) -> list[Problem]:
    """For a PDF the parser cannot read: compare the signed digest with the bytes, by hand."""
    from asn1crypto import cms

    found = list(_BYTE_RANGE.finditer(data))
    if not found:
        return [Problem(name, "no signature byte range found")]
    problems = []
    for match in found:
        br = [int(g) for g in match.groups()]
        pairs = _ranges(br)
        contents = data[pairs[1] : pairs[2]].strip().strip(b"<>")
        try:
            signed = cms.ContentInfo.load(bytes.fromhex(contents.decode("ascii")), strict=False)
            info = signed["content"]["signer_infos"][0]
            digest = next(
                a["values"][0].native
                for a in info["signed_attrs"]
                if a["type"].native == "message_digest"
            )
            algo = info["digest_algorithm"]["algorithm"].native
        except (ValueError, KeyError, StopIteration, UnicodeDecodeError):
            problems.append(
                Problem(name, f"the signature container (bytes {pairs[1]}-{pairs[2] - 1}) is "
                              "damaged", [pairs[1], pairs[2]])
            )  # fmt: skip
            continue
        actual = hashlib.new(algo, data[pairs[0] : pairs[1]] + data[pairs[2] : pairs[3]])
        if actual.digest() != digest:
            problems.append(
                Problem(name, f"{_describe(pairs)} do not match the signed digest", pairs)
            )
    return problems


def verify_pdf(
    data: bytes,
    name: str = "document.pdf",
    trust_roots: list[x509.Certificate] | None = None,
    *,
    report: VerifyReport | None = None,
) -> VerifyReport:
    """Check every signature of the PDF; a PDF with none fails. CPU-bound: keep it off the loop."""
    # pyHanko and asn1crypto load with the first verification, not with the app (issue 18)
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    report = report or VerifyReport(file=name, kind="pdf")
    if not data.startswith(b"%PDF"):
        report.problems.append(Problem(name, "not a PDF (no %PDF header)", [0, min(5, len(data))]))
        return report
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception as exc:  # any parser failure: fall back to the raw digest check
        problems = _raw_digest_check(data, name) or [
            Problem(name, f"the PDF structure is damaged ({type(exc).__name__}: {exc})")
        ]
        report.problems.extend(problems)
        return report
    if not signatures:
        report.problems.append(Problem(name, "the PDF carries no signature"))
        return report
    for embedded in signatures:
        br = [int(v) for v in embedded.sig_object["/ByteRange"]]
        pairs = _ranges(br)
        trust: Trust = "supplied" if trust_roots else "embedded"
        try:
            signer = x509.load_der_x509_certificate(embedded.signer_cert.dump())
            roots = trust_roots or [signer]
            context = ValidationContext(
                trust_roots=[
                    asn1_x509.Certificate.load(r.public_bytes(serialization.Encoding.DER))
                    for r in roots
                ],
                allow_fetching=False,
            )
            status = run_blocking(partial(async_validate_pdf_signature, embedded, context))
        except Exception as exc:  # a damaged CMS blob or an unreadable signed revision
            report.problems.extend(
                _raw_digest_check(data, name)
                or [
                    Problem(
                        name,
                        f"the signature container (bytes {pairs[1]}-{pairs[2] - 1}) is "
                        f"damaged ({type(exc).__name__})",
                        [pairs[1], pairs[2]],
                    )
                ]
            )
            continue
        sig = embedded.sig_object
        reason = str(sig.get("/Reason")) if "/Reason" in sig else None
        hashed = _HASH_IN_REASON.search(reason or "")
        report.signatures.append(
            SignatureInfo(
                file=name,
                signer=signer.subject.rfc4514_string(),
                fingerprint_sha256=_fingerprint(signer),
                trust=trust,
                intact=status.intact,
                valid=status.valid,
                trusted=status.trusted,
                coverage=status.coverage.name if status.coverage else "NONE",
                byte_range=pairs,
                sa_name=str(sig.get("/Name")) if "/Name" in sig else None,
                qualification_ref=str(sig.get("/ContactInfo")) if "/ContactInfo" in sig else None,
                reason=reason,
                signature_hash=hashed.group(1) if hashed else None,
                signing_time=status.signer_reported_dt.isoformat()
                if status.signer_reported_dt
                else None,
            )
        )
        if not status.intact:
            report.problems.append(
                Problem(name, f"{_describe(pairs)} do not match the signed digest", pairs)
            )
        elif not status.valid:
            report.problems.append(
                Problem(name, "the signature value does not verify with the signer's certificate "
                              f"(signature container bytes {pairs[1]}-{pairs[2] - 1})",
                        [pairs[1], pairs[2]])
            )  # fmt: skip
        elif not status.trusted:
            report.problems.append(
                Problem(name, f"the signer ({signer.subject.rfc4514_string()}, SHA-256 "
                              f"{_fingerprint(signer)}) is not one of the trusted certificates")
            )  # fmt: skip
        if status.coverage is not SignatureCoverageLevel.ENTIRE_FILE:
            report.problems.append(
                Problem(name, f"bytes {pairs[3]}-{len(data) - 1} were added after signing and "
                              "are not covered by the signature", [pairs[3], len(data)])
            )  # fmt: skip
    return report


def _load_certificate(data: bytes) -> x509.Certificate | None:
    try:
        return x509.load_pem_x509_certificate(data)
    except ValueError:
        return None


def verify_dossier(
    data: bytes, name: str = "dossier.zip", trust_roots: list[x509.Certificate] | None = None
) -> VerifyReport:
    """Manifest signature, every listed file's SHA-256 and size, then the PDF's own signature."""
    report = VerifyReport(file=name, kind="dossier")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        report.problems.append(Problem(name, f"not a readable ZIP archive ({exc})"))
        return report
    contents: dict[str, bytes] = {}
    with archive:
        for info in archive.infolist():
            try:
                contents[info.filename] = archive.read(info)
            except (zipfile.BadZipFile, OSError, ValueError) as exc:  # CRC or header damage
                report.problems.append(
                    Problem(info.filename, f"stored content is damaged ({exc})",
                            [info.header_offset, info.header_offset + info.compress_size])
                )  # fmt: skip
    manifest_bytes = contents.get(MANIFEST_NAME)
    if manifest_bytes is None:
        report.problems.append(Problem(MANIFEST_NAME, "missing from the dossier"))
        return report
    embedded = _load_certificate(contents.get(CERTIFICATE_NAME, b""))
    roots = trust_roots or ([embedded] if embedded else [])
    signature = contents.get(MANIFEST_SIGNATURE_NAME)
    if signature is None:
        report.problems.append(
            Problem(MANIFEST_SIGNATURE_NAME, "missing: the manifest is unsigned")
        )
    elif not roots:
        report.problems.append(Problem(CERTIFICATE_NAME, "no certificate to check the manifest"))
    elif not any(verify_detached(manifest_bytes, signature, c) for c in roots):
        report.problems.append(
            Problem(MANIFEST_NAME, "the manifest signature does not match: manifest.json was "
                                   "edited or not signed with the trusted certificate")
        )  # fmt: skip
    try:
        manifest = json.loads(manifest_bytes)
        entries: list[dict[str, Any]] = list(manifest["files"])
    except (ValueError, KeyError, TypeError) as exc:
        report.problems.append(Problem(MANIFEST_NAME, f"not a dossier manifest ({exc})"))
        return report
    report.snapshot_id = manifest.get("snapshot_id")
    report.signature_hash = manifest.get("signature_hash")
    listed = set()
    for entry in entries:
        path = str(entry.get("path"))
        listed.add(path)
        body = contents.get(path)
        if body is None:
            if not any(p.file == path for p in report.problems):
                report.problems.append(Problem(path, "listed in the manifest but missing"))
            continue
        report.checked_files.append(path)
        actual = hashlib.sha256(body).hexdigest()
        if actual != entry.get("sha256"):
            report.problems.append(
                Problem(
                    path, f"SHA-256 {actual} does not match the manifest's {entry.get('sha256')}"
                )
            )
        elif len(body) != entry.get("size"):
            report.problems.append(Problem(path, "size does not match the manifest"))
        if entry.get("kind") == REGULATORY_PDF_KIND and manifest.get("is_signed"):
            verify_pdf(body, path, trust_roots, report=report)
            signers = {s.fingerprint_sha256 for s in report.signatures if s.file == path}
            if embedded is not None and signers - {_fingerprint(embedded)}:
                report.problems.append(
                    Problem(path, f"signed with another certificate than {CERTIFICATE_NAME}")
                )
            hashes_seen = {s.signature_hash for s in report.signatures if s.file == path}
            if report.signature_hash and hashes_seen and report.signature_hash not in hashes_seen:
                report.problems.append(
                    Problem(path, "the PDF signature states another signature_hash than the "
                                  "manifest")
                )  # fmt: skip
    for extra in sorted(set(contents) - listed - _SERVICE_FILES):
        report.problems.append(Problem(extra, "not listed in the manifest"))
    return report


def verify_file(
    data: bytes, name: str, trust_roots: list[x509.Certificate] | None = None
) -> VerifyReport:
    """A PDF or a dossier ZIP, told apart by their first bytes."""
    if data.startswith(b"%PDF"):
        return verify_pdf(data, name, trust_roots)
    if data.startswith(b"PK"):
        return verify_dossier(data, name, trust_roots)
    report = VerifyReport(file=name, kind="unknown")
    report.problems.append(Problem(name, "neither a PDF nor a ZIP dossier"))
    return report


def load_trust_roots(data: bytes) -> list[x509.Certificate]:
    """PEM (one or more) or DER certificates; ValueError if none."""
    if b"-----BEGIN" in data:
        return x509.load_pem_x509_certificates(data)
    return [x509.load_der_x509_certificate(data)]
