"""`pifai verify FILE`: check a signed PIF PDF or a dossier ZIP offline (no database or network)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:  # imported by the command itself: `pifai --help` loads no app code
    from app.services.documents import VerifyReport


def render(report: VerifyReport) -> str:
    lines = [f"{report.file}: {'OK' if report.ok else 'FAILED'} ({report.kind})"]
    for sig in report.signatures:
        lines.append(
            f"  signature in {sig.file}: signer {sig.signer} (SHA-256 {sig.fingerprint_sha256}, "
            f"trust {sig.trust}); SA {sig.sa_name}; qualification {sig.qualification_ref}; "
            f"signed {sig.signing_time}; signature_hash {sig.signature_hash}"
        )
    if report.kind == "dossier":
        lines.append(f"  {len(report.checked_files)} files checked against manifest.json")
        lines.append(f"  snapshot {report.snapshot_id}, signature_hash {report.signature_hash}")
    for problem in report.problems:
        where = f" [bytes {problem.byte_range}]" if problem.byte_range else ""
        lines.append(f"  FAIL {problem.file}: {problem.message}{where}")
    if report.signatures and all(s.trust == "embedded" for s in report.signatures):
        lines.append(
            "  note: checked against the certificate inside the file; pass --cert with the "
            "organization's certificate to check who signed"
        )
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    @app.command("verify")
    def verify(
        file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
        cert: Annotated[
            Path | None,
            typer.Option("--cert", exists=True, dir_okay=False, help="Trusted certificate (PEM)"),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    ) -> None:
        """Verify a signed PDF or dossier ZIP; exit 1 naming each file or byte range that fails."""
        from app.services.documents import load_trust_roots, verify_file

        logging.getLogger("pyhanko").setLevel(logging.CRITICAL)  # failures are in the report
        logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
        roots = None
        if cert is not None:
            try:
                roots = load_trust_roots(cert.read_bytes())
            except ValueError as exc:
                typer.echo(f"error: cannot read the certificate {cert}: {exc}", err=True)
                raise typer.Exit(2) from exc
        report = verify_file(file.read_bytes(), file.name, roots)
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if as_json
                   else render(report))  # fmt: skip
        if not report.ok:
            raise typer.Exit(1)
