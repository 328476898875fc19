"""The serving process loads no heavy library a request may never need (issue 18: idle RSS).

The app (and the in-process worker of `pifai serve`) is created in a fresh interpreter; the AI SDK,
the PDF/DOCX parsers, the PDF renderer, pyHanko, OCR and RDKit must load only on first use.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LAZY = (
    "anthropic",
    "pdfplumber",
    "docx",
    "typst",
    "pyhanko",
    "pyhanko_certvalidator",
    "rapidocr",
    "onnxruntime",
    "cv2",
    "rdkit",
    "openpyxl",
    "xlrd",
    "alembic",
    "boto3",
    "coredis",
    "numpy",
    "segno",
    "asn1crypto",
    # structlog's and httpx's rich/pygments, fuzzy matching, SMTP, upload sniffing, rate limits
    "rich",
    "pygments",
    "rapidfuzz",
    "aiosmtplib",
    "filetype",
    "limits",
    "wrapt",
)
PROBE = (
    "import sys\n"
    "from app.core.config import Settings\n"
    "from app.main import create_app\n"
    "create_app(Settings(database_url='postgresql+asyncpg://u:p@127.0.0.1:1/d',"
    " redis_url='redis://127.0.0.1:1'), with_worker={with_worker})\n"
    "{extra}"
    "print(sorted({{m.split('.')[0] for m in sys.modules}} & set({lazy!r})))\n"
)


def _loaded(with_worker: bool, extra: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(with_worker=with_worker, extra=extra, lazy=LAZY)],
        cwd=REPO,
        env={**os.environ, "SECRET_KEY": "x" * 40},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("with_worker", [False, True])
def test_creating_the_app_imports_no_heavy_library(with_worker: bool) -> None:
    assert _loaded(with_worker) == "[]"


def test_the_probe_sees_a_library_once_it_is_used() -> None:
    # The check can fail: the first PDF text read loads pdfplumber into the same process.
    first_read = (
        "from app.services.pif.documents import _text_of\n"
        "try:\n"
        "    _text_of('application/pdf', b'not a pdf')\n"
        "except Exception:\n"
        "    pass\n"
    )
    assert _loaded(False, extra=first_read) == "['pdfplumber']"
