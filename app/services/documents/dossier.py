"""The complete PIF dossier: the regulatory PDF, every item's evidence file, a signed manifest.

Small dossiers are built in the request (201); above `INLINE_LIMIT_BYTES` of evidence the worker
builds them (202 + task, progress per file). The ZIP is stored encrypted with the file KEK like
the uploads; formula-class files go in only for roles with `Permission.FORMULA_FILE_READ`, and a
build holding them is served only to such roles.
"""

import asyncio
import hashlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.errors import Conflict, NotFound
from app.core.file_crypto import KeyEncryptionKey, decrypt_file, encrypt_file
from app.core.jobs import JobBuffer
from app.core.storage import Storage
from app.core.tenancy import OrgId, org_of
from app.models import PifVersion, Product, UploadedFile
from app.models.documents import DossierBuild
from app.models.enums import DossierStatus, Sensitivity
from app.models.platform import Task
from app.services import audit, pif, review, tasks
from app.services.audit import ClientInfo
from app.services.documents import repository
from app.services.documents.dossier_format import (
    EVIDENCE_KIND,
    REGULATORY_PDF_KIND,
    DossierEntry,
    assemble,
    evidence_path,
    manifest_bytes,
)
from app.services.products import get_product_for_org

if TYPE_CHECKING:
    # signing loads cryptography (~8 MiB): imported by the functions that sign (issue 18)
    from app.services.documents.signing_types import SigningMaterial

DOSSIER_TASK = "documents.dossier"
# Evidence bytes up to this are zipped in the request (measured ~0.1 s for 4 MiB on the shared
# 2-core machine); beyond it the worker builds the dossier. See docs/decisions.md.
INLINE_LIMIT_BYTES = 4 * 1024 * 1024
ProgressFn = Callable[[int], Awaitable[None]]


ProduceFn = Callable[[AsyncSession, Product, PifVersion], Awaitable[bytes]]
_producer: list[ProduceFn] = []


def use_pdf_producer(produce: ProduceFn) -> None:
    """Install the regulatory PDF renderer (the documents context does this on import)."""
    _producer[:] = [produce]


def pdf_producer() -> ProduceFn:
    if not _producer:
        raise RuntimeError("no regulatory PDF renderer is installed")
    return _producer[0]


def pack(
    entries: list[DossierEntry], header: dict[str, Any], material: "SigningMaterial"
) -> tuple[bytes, bytes]:
    """(ZIP, manifest): the manifest lists every entry's SHA-256, signed with the org key."""
    from app.services.documents.signing import sign_detached

    manifest = manifest_bytes(header, entries)
    signature = sign_detached(manifest, material)
    return assemble(entries, manifest, signature, material.certificate_pem.encode()), manifest


@dataclass(frozen=True)
class Built:
    data: bytes
    manifest: bytes
    includes_formula: bool
    file_count: int


def _current_at(files: list[UploadedFile], moment: datetime | None) -> list[UploadedFile]:
    """The evidence as it stood at `moment` (a signed snapshot), or as it stands now."""
    if moment is None:
        return [f for f in files if f.superseded_by is None]
    created = {f.id: f.created_at for f in files}
    return [
        f
        for f in files
        if f.created_at <= moment
        and (f.superseded_by is None or created.get(f.superseded_by, moment) > moment)
    ]


async def resolve_snapshot(
    session: AsyncSession, org_id: OrgId, product_id: uuid.UUID, version_id: uuid.UUID | None
) -> tuple[Product, PifVersion]:
    """The version asked for, else the latest signed one, else the draft (404 across tenants)."""
    versions = await review.list_versions(session, org_id, product_id)
    product = await get_product_for_org(session, product_id, org_id)
    if product is None:
        raise NotFound("Product not found")
    if version_id is not None:
        chosen = next((v for v in versions if v.id == version_id), None)
        if chosen is None:
            raise NotFound("Version not found")
        return product, chosen
    signed = [v for v in versions if v.is_signed]
    if signed:
        return product, max(signed, key=lambda v: v.sequence)
    drafts = [v for v in versions if not v.is_signed]
    if not drafts:
        raise Conflict("The product has no snapshot yet", code="no_snapshot")
    return product, drafts[0]


async def evidence_files(
    session: AsyncSession, product: Product, snapshot: PifVersion, *, with_formula: bool
) -> tuple[list[UploadedFile], list[UploadedFile]]:
    """(included, withheld formula files) for the snapshot."""
    files = await pif.list_files_for_org(session, product.id, org_of(product))
    current = _current_at(files, snapshot.signed_at if snapshot.is_signed else None)
    current.sort(key=lambda f: (f.pif_item_number, f.created_at, str(f.id)))
    withheld = [f for f in current if f.sensitivity == Sensitivity.FORMULA.value]
    if with_formula:
        return current, []
    return [f for f in current if f.sensitivity != Sensitivity.FORMULA.value], withheld


async def _plaintext(storage: Storage, kek: KeyEncryptionKey, record: UploadedFile) -> bytes:
    blob = await storage.get(record.storage_key)
    if record.enc_wrapped_key is None:
        return blob
    return await asyncio.to_thread(decrypt_file, blob, record.enc_wrapped_key, kek)


async def build_dossier(
    session: AsyncSession,
    settings: Settings,
    storage: Storage,
    kek: KeyEncryptionKey,
    *,
    product: Product,
    snapshot: PifVersion,
    with_formula: bool,
    produce: ProduceFn,
    progress: ProgressFn | None = None,
) -> Built:
    """Render (and sign, for a signed snapshot) the PDF, gather the files, sign the manifest."""
    from app.services.documents.signing import (
        fingerprint,
        sign_pdf,
        signature_facts,
        signing_material,
    )

    org_id = org_of(product)
    included, withheld = await evidence_files(session, product, snapshot, with_formula=with_formula)
    material = await signing_material(session, settings, org_id)
    pdf = await produce(session, product, snapshot)
    facts = await signature_facts(session, org_id, snapshot)
    if facts is not None:
        pdf = await asyncio.to_thread(sign_pdf, pdf, material, facts)
    entries = [
        DossierEntry(
            f"PIF_{snapshot.version_label}.pdf",
            REGULATORY_PDF_KIND,
            pdf,
            {"signed": facts is not None},
        )
    ]
    total = len(included) + 1
    if progress is not None:
        await progress(100 // (total + 1))
    for done, record in enumerate(included, start=1):
        data = await _plaintext(storage, kek, record)
        entries.append(
            DossierEntry(
                evidence_path(record.pif_item_number, str(record.id), record.original_filename),
                EVIDENCE_KIND,
                data,
                {
                    "item_number": record.pif_item_number,
                    "file_id": str(record.id),
                    "file_type": record.file_type,
                    "original_filename": record.original_filename,
                    "content_type": record.content_type,
                },
            )
        )
        if progress is not None:
            await progress(min(95, 100 * (done + 1) // (total + 1)))
    header: dict[str, Any] = {
        "product_id": str(product.id),
        "product_name": product.name,
        "snapshot_id": str(snapshot.id),
        "version_label": snapshot.version_label,
        "is_signed": snapshot.is_signed,
        "signature_hash": snapshot.signature_hash,
        "signed_at": snapshot.signed_at.isoformat() if snapshot.signed_at else None,
        "generated_at": datetime.now(UTC).isoformat(),
        "certificate_sha256": fingerprint(material.certificate),
        "includes_formula": with_formula,
        "withheld": [
            {
                "item_number": f.pif_item_number,
                "file_id": str(f.id),
                "reason": "formula file: the requesting role may not read formula files",
            }
            for f in withheld
        ],
    }
    data, manifest = await asyncio.to_thread(pack, entries, header, material)
    has_formula = any(
        r.sensitivity == Sensitivity.FORMULA.value for r in included
    )  # what the ZIP really holds
    return Built(data, manifest, has_formula, len(entries))


async def _store(
    storage: Storage, kek: KeyEncryptionKey, build: DossierBuild, built: Built
) -> None:
    encrypted = await asyncio.to_thread(encrypt_file, built.data, kek)
    key = f"{build.org_id}/{build.product_id}/dossiers/{build.id}.zip"
    await storage.put(key, encrypted.blob)
    build.storage_key = key
    build.enc_wrapped_key = encrypted.wrapped_key
    build.sha256 = hashlib.sha256(built.data).hexdigest()
    build.size_bytes = len(built.data)
    build.file_count = built.file_count
    build.includes_formula = built.includes_formula
    build.status = DossierStatus.READY.value


@dataclass(frozen=True)
class Generated:
    build: DossierBuild
    task: Task | None


async def generate(
    session: AsyncSession,
    settings: Settings,
    storage: Storage,
    kek: KeyEncryptionKey,
    jobs: JobBuffer,
    *,
    org_id: OrgId,
    user_id: uuid.UUID,
    with_formula: bool,
    product_id: uuid.UUID,
    version_id: uuid.UUID | None = None,
    produce: ProduceFn | None = None,
    client: ClientInfo | None = None,
) -> Generated:
    """POST …/pif/generate: build now when small, else queue the worker."""
    product, snapshot = await resolve_snapshot(session, org_id, product_id, version_id)
    included, _ = await evidence_files(session, product, snapshot, with_formula=with_formula)
    size = sum(f.size_bytes for f in included)
    build = DossierBuild(
        org_id=org_id,
        product_id=product.id,
        version_id=snapshot.id,
        version_label=snapshot.version_label,
        signature_hash=snapshot.signature_hash,
        status=DossierStatus.PENDING.value,
        includes_formula=with_formula,
        requested_by=user_id,
    )
    session.add(build)
    await session.flush()
    task: Task | None = None
    if size <= INLINE_LIMIT_BYTES:
        built = await build_dossier(
            session, settings, storage, kek, product=product, snapshot=snapshot,
            with_formula=with_formula, produce=produce or pdf_producer(),
        )  # fmt: skip
        await _store(storage, kek, build, built)
    else:
        task = await tasks.enqueue(
            session,
            jobs,
            org_id=org_id,
            type=DOSSIER_TASK,
            product_id=product.id,
            created_by=user_id,
            payload={"build_id": str(build.id), "with_formula": with_formula},
        )
        build.task_id = task.id
    await session.flush()
    await audit.record(
        session,
        "pif.dossier_generated" if task is None else "pif.dossier_queued",
        org_id=org_id,
        user_id=user_id,
        resource_type="dossier_build",
        resource_id=build.id,
        details={
            "product_id": str(product.id),
            "version_id": str(snapshot.id),
            "version_label": snapshot.version_label,
            "evidence_bytes": size,
            "with_formula": with_formula,
        },
        client=client,
    )
    await session.refresh(build)
    return Generated(build, task)


async def run_build(
    session: AsyncSession,
    settings: Settings,
    storage: Storage,
    kek: KeyEncryptionKey,
    *,
    org_id: OrgId,
    product_id: uuid.UUID,
    build_id: uuid.UUID,
    with_formula: bool,
    progress: ProgressFn,
    produce: ProduceFn | None = None,
) -> DossierBuild | None:
    """The worker's half: build a queued dossier (idempotent once ready)."""
    build = await repository.get_dossier_for_org(session, product_id, build_id, org_id)
    if build is None or build.status == DossierStatus.READY.value:
        return build
    if build.version_id is None:
        build.status, build.error = DossierStatus.FAILED.value, "the snapshot no longer exists"
        return build
    product, snapshot = await resolve_snapshot(session, org_id, product_id, build.version_id)
    built = await build_dossier(
        session, settings, storage, kek, product=product, snapshot=snapshot,
        with_formula=with_formula, produce=produce or pdf_producer(), progress=progress,
    )  # fmt: skip
    await _store(storage, kek, build, built)
    await session.flush()
    await progress(100)
    return build


async def download(
    session: AsyncSession,
    storage: Storage,
    kek: KeyEncryptionKey,
    *,
    org_id: OrgId,
    product_id: uuid.UUID,
    with_formula: bool,
    build_id: uuid.UUID | None = None,
    user_id: uuid.UUID | None = None,
    client: ClientInfo | None = None,
) -> tuple[DossierBuild, bytes, Product]:
    """The newest ready dossier the caller may read (or the one asked for); 404 if none."""
    product = await get_product_for_org(session, product_id, org_id)
    if product is None:
        raise NotFound("Product not found")
    if build_id is not None:
        build = await repository.get_dossier_for_org(session, product_id, build_id, org_id)
        if build is None or (build.includes_formula and not with_formula):
            raise NotFound("Dossier not found")  # a formula build is invisible to other roles
        if build.status != DossierStatus.READY.value:
            raise Conflict(
                f"The dossier is {build.status}",
                code="dossier_not_ready",
                details={"task_id": str(build.task_id) if build.task_id else None},
            )
    else:
        found = await repository.latest_ready_dossier_for_org(
            session, product_id, org_id, with_formula=with_formula
        )
        if found is None:
            raise NotFound("No dossier has been generated for this product", code="no_dossier")
        build = found
    assert build.storage_key is not None and build.enc_wrapped_key is not None
    blob = await storage.get(build.storage_key)
    data = await asyncio.to_thread(decrypt_file, blob, build.enc_wrapped_key, kek)
    await audit.record(
        session,
        "pif.dossier_downloaded",
        org_id=org_id,
        user_id=user_id,
        resource_type="dossier_build",
        resource_id=build.id,
        details={"product_id": str(product_id), "version_label": build.version_label},
        client=client,
    )
    return build, data, product
