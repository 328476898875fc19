"""The serving process loads no heavy library a request may never need (issue 18: idle RSS).

The app (and the in-process worker of `pifai serve`) is created in a fresh interpreter; the AI SDK,
the PDF/DOCX parsers, the PDF renderer, pyHanko, OCR and RDKit must load only on first use; so
must cryptography's binding (signing, file encryption, Fernet fields, Google's RS256): requests
check HS256 tokens, which PyJWT does with hmac alone.
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
# redis-py imports the bare `cryptography` package to test for it: only the binding counts
LAZY_SUBMODULES = ("cryptography.hazmat", "cryptography.hazmat.bindings._rust", "cryptography.x509")
PROBE = (
    "import sys\n"
    "from app.core.config import Settings\n"
    "from app.main import create_app\n"
    "create_app(Settings(database_url='postgresql+asyncpg://u:p@127.0.0.1:1/d',"
    " redis_url='redis://127.0.0.1:1'), with_worker={with_worker})\n"
    "{extra}"
    "print(sorted(({{m.split('.')[0] for m in sys.modules}} & set({lazy!r}))"
    " | (set(sys.modules) & set({lazy_submodules!r}))))\n"
)


def _run_fresh(code: str) -> str:
    """`code` in a fresh interpreter of the repo; its stdout (it must exit 0)."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "SECRET_KEY": "x" * 40},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _loaded(with_worker: bool, extra: str = "") -> str:
    code = PROBE.format(
        with_worker=with_worker, extra=extra, lazy=LAZY, lazy_submodules=LAZY_SUBMODULES
    )
    return _run_fresh(code).splitlines()[-1]


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
    assert "'pdfplumber'" in _loaded(False, extra=first_read)  # (pdfminer loads cryptography)


def test_the_probe_sees_cryptography_once_a_file_is_encrypted() -> None:
    first_upload = (
        "from app.core.file_crypto import KeyEncryptionKey, encrypt_file\n"
        "encrypt_file(b'x', KeyEncryptionKey(bytes(32), 'k'))\n"
    )
    assert "cryptography.hazmat" in _loaded(False, extra=first_upload)


# A fresh interpreter as the API runs: PyJWT loaded without cryptography, then Google's RS256.
GOOGLE = """
import app  # first, as in `pifai api`
import asyncio, base64, json, sys, time
import httpx, jwt
from app.services.identity.google import GoogleVerifier

assert not jwt.algorithms.has_crypto and "cryptography.hazmat" not in sys.modules
invalid_before = jwt.InvalidTokenError
session_token = jwt.encode({"sub": "u"}, "k" * 32, algorithm="HS256")

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

def uint(n):
    return b64(n.to_bytes((n.bit_length() + 7) // 8, "big"))

key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
numbers = key.public_key().public_numbers()
jwk = {"kty": "RSA", "kid": "k1", "alg": "RS256", "n": uint(numbers.n), "e": uint(numbers.e)}
now = int(time.time())
claims = {"iss": "https://accounts.google.com", "aud": "cid", "sub": "g1", "iat": now,
          "exp": now + 300, "email": "g@example.com", "email_verified": True}
signing_input = b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "k1"}).encode()) + "."
signing_input += b64(json.dumps(claims).encode())
signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
id_token = signing_input + "." + b64(signature)
transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"keys": [jwk]}))
verifier = GoogleVerifier("cid", "https://www.googleapis.com/oauth2/v3/certs", 3600, transport)
identity = asyncio.run(verifier.verify(id_token))
assert identity.sub == "g1" and identity.email_verified, identity
assert jwt.algorithms.has_crypto
assert jwt.decode(session_token, "k" * 32, algorithms=["HS256"]) == {"sub": "u"}
try:
    jwt.decode(id_token[:-4] + "AAAA", jwk and jwt.PyJWK(jwk), algorithms=["RS256"], audience="cid")
except invalid_before:
    print("ok")
"""


def test_google_rs256_loads_pyjwts_cryptography_algorithms_on_first_use() -> None:
    assert _run_fresh(GOOGLE) == "ok"


# `pifai api` / `serve` up to the server start: the import of the server class stops the probe.
SERVE = """
import sys

class Stop(Exception):
    pass

class StopAtTheServer:
    def find_spec(self, name, path=None, target=None):
        if name == "app.cli._announce":
            raise Stop

sys.meta_path.insert(0, StopAtTheServer())
from app.cli import server
try:
    server._serve(None, "127.0.0.1", 0, with_worker=False)
except Stop:
    print(sorted(m for m in ("uvicorn", "watchfiles") if m in sys.modules))
"""


def test_serving_imports_uvicorn_without_watchfiles() -> None:
    # uvicorn imports watchfiles only to offer --reload (~1 MiB resident)
    assert _run_fresh(SERVE) == "['uvicorn']"
