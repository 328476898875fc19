"""Plain-text facts of an uploaded document (pages, text excerpt) for the analysis draft."""

import io
import re
from typing import Any

import structlog

from app.core.file_crypto import KeyEncryptionKey, decrypt_file
from app.core.storage import Storage
from app.models import UploadedFile

log = structlog.get_logger(__name__)
EXCERPT_CHARS = 4000
_DATE = re.compile(r"\b(20\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})")


def _text_of(content_type: str, data: bytes) -> tuple[str, int | None]:
    # The parsers (~25 MiB resident) load on the first document read, not with the app (issue 18).
    if content_type == "application/pdf":
        import pdfplumber

        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages), len(pdf.pages)
    if content_type.endswith("wordprocessingml.document"):
        import docx

        document = docx.Document(io.BytesIO(data))
        return "\n".join(p.text for p in document.paragraphs), None
    if content_type == "text/csv":
        return data.decode("utf-8-sig", errors="replace"), None
    return "", None


async def describe_file(
    storage: Storage, kek: KeyEncryptionKey, record: UploadedFile
) -> dict[str, Any]:
    """Text excerpt and dates found in one file; unreadable files are reported, not fatal."""
    blob = await storage.get(record.storage_key)
    data = decrypt_file(blob, record.enc_wrapped_key, kek) if record.enc_wrapped_key else blob
    try:
        text, pages = _text_of(record.content_type, data)
    except Exception as exc:  # any parser failure is a per-file note, not a crash
        log.info("document_text_unreadable", file_id=str(record.id), error=type(exc).__name__)
        text, pages = "", None
    dates = sorted({"-".join((y, m.zfill(2), d.zfill(2))) for y, m, d in _DATE.findall(text)})
    return {
        "file_id": str(record.id),
        "filename": record.original_filename,
        "pages": pages,
        "text_excerpt": text[:EXCERPT_CHARS],
        "dates_found": dates,
        "readable": bool(text.strip()),
    }
