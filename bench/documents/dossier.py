"""Dossier build for 16 items with 1 MB evidence files (issue 16 item 5).

Runs the code the dossier service runs, without the database: each stored blob is decrypted
(AES-256-GCM, as uploads are stored), the regulatory PDF is signed (PAdES, org key), the manifest
is hashed and signed, the ZIP assembled and encrypted for storage; then `verify_dossier` checks
it back. Database reads (a few small queries) and object-store I/O are not in the figure.

    uv run python -m bench.documents.dossier [--repeat 10] [--items 16] [--mib 1]
"""

import argparse
import os
import statistics
import time
import uuid
from datetime import UTC, datetime

from app.core.file_crypto import KeyEncryptionKey, decrypt_file, encrypt_file
from app.services import documents
from app.services.documents.dossier import pack
from app.services.documents.dossier_format import (
    EVIDENCE_KIND,
    REGULATORY_PDF_KIND,
    DossierEntry,
    evidence_path,
)

FACTS = documents.SignatureFacts(
    "王小明", "SA-CERT-0001", datetime(2026, 11, 30, tzinfo=UTC), "ab" * 32,
    "V1", uuid.UUID(int=1),
)  # fmt: skip


def regulatory_pdf() -> bytes:
    """The 14-section renderer's PDF is timed by bench.documents.run; signing cost barely
    depends on page count, so a one-page stand-in keeps this figure about the dossier."""
    return documents.one_page_pdf(["PIF V1"] * 40)


def build_once(
    blobs: list[tuple[int, bytes, bytes]], kek: KeyEncryptionKey, pdf: bytes
) -> tuple[bytes, dict[str, float]]:
    material = documents.generate_material("Bench org")
    marks: dict[str, float] = {}
    t0 = time.perf_counter()
    signed = documents.sign_pdf(pdf, material, FACTS)
    t1 = time.perf_counter()
    entries = [DossierEntry("PIF_V1.pdf", REGULATORY_PDF_KIND, signed, {"signed": True})]
    for item, blob, wrapped in blobs:
        data = decrypt_file(blob, wrapped, kek)
        entries.append(
            DossierEntry(evidence_path(item, uuid.uuid4().hex, f"item{item}.pdf"),
                         EVIDENCE_KIND, data, {"item_number": item})
        )  # fmt: skip
    t2 = time.perf_counter()
    header = {"snapshot_id": str(FACTS.snapshot_id), "signature_hash": FACTS.signature_hash,
              "is_signed": True}  # fmt: skip
    archive, _ = pack(entries, header, material)
    t3 = time.perf_counter()
    encrypt_file(archive, kek)
    t4 = time.perf_counter()
    marks.update(sign_pdf=t1 - t0, decrypt=t2 - t1, pack=t3 - t2, store_encrypt=t4 - t3)
    return archive, marks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--items", type=int, default=16)
    parser.add_argument("--mib", type=float, default=1.0)
    args = parser.parse_args()
    kek = KeyEncryptionKey(os.urandom(32), "bench")
    size = int(args.mib * 1024 * 1024)
    blobs = []
    for item in range(1, args.items + 1):
        encrypted = encrypt_file(b"%PDF-1.4\n" + os.urandom(size - 16) + b"\n%%EOF\n", kek)
        blobs.append((item, encrypted.blob, encrypted.wrapped_key))
    pdf = regulatory_pdf()
    build_once(blobs, kek, pdf)  # warm-up
    builds, verifies, parts = [], [], []
    archive = b""
    for _ in range(args.repeat):
        start = time.perf_counter()
        archive, marks = build_once(blobs, kek, pdf)
        builds.append(time.perf_counter() - start)
        parts.append(marks)
        start = time.perf_counter()
        report = documents.verify_dossier(archive)
        verifies.append(time.perf_counter() - start)
        assert report.ok, report.problems

    def q(values: list[float], p: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]

    print(f"dossier: {args.items} items x {args.mib} MiB, ZIP {len(archive) / 2**20:.1f} MiB, "
          f"{args.repeat} builds")  # fmt: skip
    print(f"build  median {statistics.median(builds) * 1000:.0f} ms, "
          f"p99 {q(builds, 0.99) * 1000:.0f} ms")  # fmt: skip
    for key in parts[0]:
        print(f"  {key:<14} median {statistics.median(m[key] for m in parts) * 1000:.1f} ms")
    print(f"verify median {statistics.median(verifies) * 1000:.0f} ms, "
          f"p99 {q(verifies, 0.99) * 1000:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
