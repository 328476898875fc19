"""The dossier ZIP layout and its manifest (pure: bytes in, bytes out)."""

import hashlib
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any

FORMAT = "pifai-dossier/1"
MANIFEST_NAME = "manifest.json"
MANIFEST_SIGNATURE_NAME = "manifest.sig"  # raw signature of manifest.json's bytes, org key
CERTIFICATE_NAME = "signing-certificate.pem"
REGULATORY_PDF_KIND = "regulatory_pdf"
EVIDENCE_KIND = "evidence"
# fixed entry time: the same inputs give the same archive bytes
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


@dataclass(frozen=True)
class DossierEntry:
    path: str
    kind: str
    data: bytes
    meta: dict[str, Any]


def safe_name(filename: str) -> str:
    """A file name with no directory part, control or reserved character (UTF-8 kept)."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", filename)).strip(" .") or "file"
    return name[:120]


def evidence_path(item_number: int, file_id: str, filename: str) -> str:
    return f"items/{item_number:02d}/{file_id[:8]}_{safe_name(filename)}"


def manifest_bytes(header: dict[str, Any], entries: list[DossierEntry]) -> bytes:
    files = [
        {
            "path": e.path,
            "kind": e.kind,
            "sha256": hashlib.sha256(e.data).hexdigest(),
            "size": len(e.data),
            **e.meta,
        }
        for e in entries
    ]
    body = {"format": FORMAT, **header, "files": files}
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=True).encode()


def _write(archive: zipfile.ZipFile, name: str, data: bytes, *, compress: bool) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def assemble(
    entries: list[DossierEntry], manifest: bytes, signature: bytes, certificate_pem: bytes
) -> bytes:
    """Evidence and the PDF stored as they are (already compressed formats), text deflated."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        _write(archive, MANIFEST_NAME, manifest, compress=True)
        _write(archive, MANIFEST_SIGNATURE_NAME, signature, compress=False)
        _write(archive, CERTIFICATE_NAME, certificate_pem, compress=True)
        for entry in entries:
            _write(archive, entry.path, entry.data, compress=False)
    return out.getvalue()
