"""Upload inspection: size, type by content sniffing, archive-bomb guard, safe filename.

Pure (bytes in, verdict out), so every rejection is decided before anything is stored.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

from app.core.errors import PayloadTooLarge, Unprocessable, UnsupportedMediaType

ALLOWED = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv",
    "png": "image/png",
    "jpg": "image/jpeg",
}
_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# OOXML files are zip archives: refuse ones that expand absurdly (zip bombs).
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MAX_ARCHIVE_ENTRIES = 5000
_OOXML_MARKERS = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}


@dataclass(frozen=True)
class InspectedUpload:
    filename: str
    extension: str
    content_type: str


def safe_filename(raw: str | None) -> str:
    """Basename only, NFC, no control or path characters, at most 200 characters."""
    name = PureWindowsPath(PurePosixPath(raw or "").name).name
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r'[<>:"/\\|?*]', "_", name).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 200 - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "upload"


def _check_archive(data: bytes, extension: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, ValueError) as exc:
        raise UnsupportedMediaType("The file is not a valid Office document") from exc
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        raise Unprocessable("The archive has too many entries", code="archive_too_complex")
    expanded = sum(info.file_size for info in infos)
    worst_ratio = max((info.file_size / max(info.compress_size, 1) for info in infos), default=0.0)
    if expanded > MAX_EXPANDED_BYTES or worst_ratio > MAX_COMPRESSION_RATIO:
        raise Unprocessable(
            "The document expands to an implausible size (possible zip bomb)",
            code="archive_bomb",
            details={"expanded_bytes": expanded, "max_ratio": round(worst_ratio, 1)},
        )
    if _OOXML_MARKERS[extension] not in names:
        raise UnsupportedMediaType(f"The file is not a valid .{extension} document")


def _looks_like_csv(data: bytes) -> bool:
    if b"\x00" in data[:65536]:
        return False
    for encoding in ("utf-8-sig", "big5", "cp950"):
        try:
            data[:65536].decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def inspect_upload(raw_filename: str | None, data: bytes, max_bytes: int) -> InspectedUpload:
    """Decide whether an upload is acceptable; raise a 4xx domain error if not."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"The file exceeds the {max_bytes // (1024 * 1024)} MB limit",
            details={"max_bytes": max_bytes},
        )
    if not data:
        raise Unprocessable("The file is empty", code="empty_file")
    filename = safe_filename(raw_filename)
    declared = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    import filetype  # loaded on the first upload, not at start-up (issue 18: idle RSS)

    kind = filetype.guess(data)
    sniffed = kind.extension if kind else None
    if sniffed == "jpeg":
        sniffed = "jpg"
    if sniffed is None and data.startswith(_OLE2_MAGIC) and declared == "xls":
        sniffed = "xls"
    if sniffed is None and declared in ("csv", "txt") and _looks_like_csv(data):
        sniffed = "csv"
    if sniffed not in ALLOWED:
        raise UnsupportedMediaType(
            "Unsupported file type; allowed: PDF, XLSX, XLS, CSV, DOCX, PNG, JPEG",
            details={"detected": sniffed or "unknown", "declared_extension": declared or None},
        )
    if sniffed in _OOXML_MARKERS:
        _check_archive(data, sniffed)
    return InspectedUpload(filename=filename, extension=sniffed, content_type=ALLOWED[sniffed])
