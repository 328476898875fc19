"""Reading the PDFs the document routes return."""

import io

import pdfplumber
from httpx import Response


def pdf_text(content: bytes) -> str:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def page_text(content: bytes, number: int) -> str:
    with pdfplumber.open(io.BytesIO(content)) as pdf:
        return pdf.pages[number - 1].extract_text() or ""


def assert_pdf(response: Response) -> bytes:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    assert body.rstrip().endswith(b"%%EOF")
    assert len(body) > 5 * 1024
    return body
