"""Messages-API content for uploads, and parsing of the model's final JSON answer."""

from __future__ import annotations

import base64
import re
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from app.ai.providers.media import image_media_type, is_pdf
from app.engines.formula.readers import read_tables

M = TypeVar("M", bound=BaseModel)
MAX_TABLE_TEXT = 200_000  # characters; a real formula sheet is far below this
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)


class AnswerFormatError(ValueError):
    """The final answer is not one JSON object of the expected schema."""


def _b64(data: bytes) -> str:
    return base64.standard_b64encode(data).decode("ascii")


def tables_text(file_bytes: bytes, filename: str, content_type: str) -> str:
    """Spreadsheet/CSV/DOCX tables as pipe-separated text; raises ExtractionError."""
    parts = []
    for table in read_tables(file_bytes, filename, content_type):
        rows = "\n".join(" | ".join(cell.strip() for cell in row) for row in table.rows)
        parts.append(f"### {table.origin}\n{rows}")
    return "\n\n".join(parts)[:MAX_TABLE_TEXT]


def document_blocks(file_bytes: bytes, filename: str, content_type: str) -> list[dict[str, Any]]:
    """Image block for photos/scans, document block for PDFs, else the tables as text."""
    media = image_media_type(file_bytes, filename, content_type)
    if media is not None:
        source = {"type": "base64", "media_type": media, "data": _b64(file_bytes)}
        return [{"type": "image", "source": source}]
    if is_pdf(file_bytes, filename, content_type):
        # A document block carries both the text layer and page images, so scanned PDFs work.
        source = {"type": "base64", "media_type": "application/pdf", "data": _b64(file_bytes)}
        return [{"type": "document", "source": source, "title": filename or "formula.pdf"}]
    text = tables_text(file_bytes, filename, content_type)
    return [{"type": "text", "text": f"File {filename!r}, tables as read:\n\n{text}"}]


def parse_answer(text: str, model: type[M]) -> M:
    """Validate the final answer (optionally fenced) against ``model``."""
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1)
    if not body.startswith("{"):
        raise AnswerFormatError("the answer is not a JSON object")
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        kind = "invalid JSON" if exc.errors()[0]["type"] == "json_invalid" else "schema mismatch"
        raise AnswerFormatError(f"{kind}: {exc.error_count()} error(s)") from exc
