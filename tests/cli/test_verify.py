"""`pifai verify FILE`: offline, exit 0 when everything matches, 1 naming what does not."""

import io
import json
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app as cli
from app.services import documents
from app.services.documents.dossier_format import (
    EVIDENCE_KIND,
    REGULATORY_PDF_KIND,
    DossierEntry,
    assemble,
    manifest_bytes,
)
from app.services.documents.signing import sign_detached

MATERIAL = documents.generate_material("Acme")
FACTS = documents.SignatureFacts(
    "王小明", "SA-CERT-0001", datetime(2026, 11, 30, tzinfo=UTC), "cd" * 32,
    "V1", uuid.UUID(int=7),
)  # fmt: skip


def dossier(pdf: bytes) -> bytes:
    entries = [
        DossierEntry("PIF_V1.pdf", REGULATORY_PDF_KIND, pdf, {"signed": True}),
        DossierEntry("items/11/abc_stability.pdf", EVIDENCE_KIND, b"%PDF-1.4 report", {}),
    ]
    header = {"snapshot_id": str(FACTS.snapshot_id), "signature_hash": FACTS.signature_hash,
              "is_signed": True}  # fmt: skip
    manifest = manifest_bytes(header, entries)
    return assemble(
        entries, manifest, sign_detached(manifest, MATERIAL), MATERIAL.certificate_pem.encode()
    )


def run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["verify", *map(str, args)])
    return result.exit_code, result.output


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    pdf = documents.sign_pdf(documents.one_page_pdf(["PIF V1"]), MATERIAL, FACTS)
    paths = {"pdf": tmp_path / "PIF_V1.pdf", "zip": tmp_path / "dossier.zip",
             "cert": tmp_path / "org.pem"}  # fmt: skip
    paths["pdf"].write_bytes(pdf)
    paths["zip"].write_bytes(dossier(pdf))
    paths["cert"].write_text(MATERIAL.certificate_pem)
    return paths


def test_good_pdf_and_dossier_exit_zero(files: dict[str, Path]) -> None:
    code, out = run(files["pdf"], "--cert", files["cert"])
    assert code == 0 and "OK" in out and "signature_hash " + "cd" * 32 in out and "王小明" in out
    code, out = run(files["zip"], "--cert", files["cert"])
    assert code == 0 and "2 files checked" in out, out
    code, out = run(files["zip"], "--json")
    assert code == 0 and json.loads(out)["signatures"][0]["trust"] == "embedded"


def test_tampering_exits_one_naming_the_file(files: dict[str, Path], tmp_path: Path) -> None:
    pdf = bytearray(files["pdf"].read_bytes())
    pdf[50] ^= 0x01
    files["pdf"].write_bytes(bytes(pdf))
    code, out = run(files["pdf"], "--cert", files["cert"])
    assert code == 1 and "FAIL PIF_V1.pdf" in out and "do not match the signed digest" in out

    with zipfile.ZipFile(files["zip"]) as archive:
        content = {n: archive.read(n) for n in archive.namelist()}
    content["items/11/abc_stability.pdf"] = b"%PDF-1.4 reporT"
    edited = tmp_path / "edited.zip"
    out_zip = io.BytesIO()
    with zipfile.ZipFile(out_zip, "w") as archive:
        for name, body in content.items():
            archive.writestr(name, body)
    edited.write_bytes(out_zip.getvalue())
    code, out = run(edited, "--cert", files["cert"])
    assert code == 1 and "FAIL items/11/abc_stability.pdf: SHA-256" in out, out

    other = tmp_path / "other.pem"
    other.write_text(documents.generate_material("Other").certificate_pem)
    code, out = run(files["zip"], "--cert", other)
    assert code == 1 and "FAIL manifest.json" in out and "FAIL PIF_V1.pdf" in out


def test_unreadable_certificate_exits_two(files: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate")
    assert run(files["pdf"], "--cert", bad)[0] == 2
