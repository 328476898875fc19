"""Recognise uploads that need vision (images) or a document block (PDF)."""

from __future__ import annotations

from typing import Literal

ImageType = Literal["image/png", "image/jpeg", "image/gif", "image/webp"]

_EXT: dict[str, ImageType] = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def image_media_type(data: bytes, filename: str = "", content_type: str = "") -> ImageType | None:
    """The image media type from magic bytes (then extension / content type), else None."""
    # Magic bytes first: browsers and users mislabel uploads.
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith((b"%PDF", b"PK", b"\xd0\xcf\x11\xe0")):
        return None
    name = filename.lower()
    for ext, media in _EXT.items():
        if name.endswith(ext):
            return media
    ctype = content_type.lower().split(";")[0].strip()
    return next((m for m in _EXT.values() if m == ctype), None)


def is_pdf(data: bytes, filename: str = "", content_type: str = "") -> bool:
    """True for PDF bytes (or a PDF name / content type)."""
    return data.startswith(b"%PDF") or filename.lower().endswith(".pdf") or "pdf" in content_type
