"""Upload and download of PIF documents; every file is encrypted in the app before storage."""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import Conflict, NotFound
from app.core.file_crypto import KeyEncryptionKey, decrypt_file, encrypt_file
from app.core.storage import Storage
from app.core.tenancy import OrgId
from app.engines.pif import BY_NUMBER, FORMULA_ITEM
from app.models import UploadedFile
from app.models.enums import DocumentStatus, FileType, Role, Sensitivity
from app.services import audit
from app.services.audit import ClientInfo
from app.services.pif import repository
from app.services.pif.service import (
    actor_for,
    move_document,
    refresh_product_status,
    require_document,
    require_product,
)
from app.services.pif.uploads import InspectedUpload

_SENSITIVITY = {
    FileType.FORMULA: Sensitivity.FORMULA,
    FileType.GMP: Sensitivity.TEST_REPORT,
    FileType.STABILITY: Sensitivity.TEST_REPORT,
    FileType.MICRO: Sensitivity.TEST_REPORT,
    FileType.CHALLENGE: Sensitivity.TEST_REPORT,
    FileType.LABEL: Sensitivity.PACKAGING,
    FileType.PACKAGING: Sensitivity.PACKAGING,
}


@dataclass(frozen=True)
class UploadMeta:
    item_number: int
    document_type: FileType | None
    issue_date: date | None
    expiry_date: date | None
    test_date: date | None


def classify(item_number: int, document_type: FileType | None) -> tuple[FileType, Sensitivity]:
    """Item 3 and anything typed `formula` are formula-class (encrypted in the app)."""
    file_type = document_type or FileType(BY_NUMBER[item_number].default_file_type)
    if item_number == FORMULA_ITEM:
        return file_type, Sensitivity.FORMULA
    return file_type, _SENSITIVITY.get(file_type, Sensitivity.PUBLIC)


async def upload_file(
    session: AsyncSession,
    storage: Storage,
    kek: KeyEncryptionKey,
    *,
    org_id: OrgId,
    user_id: uuid.UUID,
    role: Role,
    product_id: uuid.UUID,
    meta: UploadMeta,
    upload: InspectedUpload,
    data: bytes,
    client: ClientInfo | None = None,
) -> UploadedFile:
    """Record the file, move its item to `uploaded`, then write the (encrypted) blob last."""
    document = await require_document(session, product_id, meta.item_number, org_id)
    sha256 = hashlib.sha256(data).hexdigest()
    duplicate = await repository.find_duplicate_file(
        session, product_id, meta.item_number, sha256, org_id
    )
    if duplicate is not None:
        raise Conflict(
            "This file is already uploaded for this item",
            code="duplicate_file",
            details={"file_id": str(duplicate.id)},
        )
    await move_document(
        session,
        document,
        DocumentStatus.UPLOADED,
        actor=actor_for(role),
        user_id=user_id,
        reason="file uploaded",
        client=client,
    )
    file_type, sensitivity = classify(meta.item_number, meta.document_type)
    file_id = uuid.uuid4()
    record = UploadedFile(
        id=file_id,
        org_id=org_id,
        product_id=product_id,
        pif_item_number=meta.item_number,
        file_type=file_type.value,
        sensitivity=sensitivity.value,
        storage_key=f"{org_id}/{product_id}/{file_id}",
        original_filename=upload.filename,
        content_type=upload.content_type,
        size_bytes=len(data),
        sha256=sha256,
        issue_date=meta.issue_date,
        expiry_date=meta.expiry_date,
        test_date=meta.test_date,
        uploaded_by=user_id,
    )
    # every class, not only formulas: a copied disk or bucket shows no document (decisions.md)
    encrypted = encrypt_file(data, kek)
    blob = encrypted.blob
    record.enc_key_version, record.enc_key_id = encrypted.version, encrypted.key_id
    record.enc_wrapped_key = encrypted.wrapped_key
    session.add(record)
    await session.flush()
    for previous in await repository.list_files_for_org(
        session, product_id, org_id, meta.item_number
    ):
        if previous.id != file_id and previous.superseded_by is None:
            previous.superseded_by = file_id  # history is kept, never overwritten
    await refresh_product_status(session, await require_product(session, product_id, org_id))
    await audit.record(
        session,
        "pif.document_uploaded",
        org_id=org_id,
        user_id=user_id,
        resource_type="uploaded_file",
        resource_id=file_id,
        details={"item": meta.item_number, "file_type": file_type, "size_bytes": len(data)},
        client=client,
    )
    await session.flush()
    # the blob goes last: any earlier failure leaves neither a row nor a stored object
    await storage.put(record.storage_key, blob)
    return record


async def read_file(
    session: AsyncSession,
    storage: Storage,
    kek: KeyEncryptionKey,
    *,
    org_id: OrgId,
    product_id: uuid.UUID,
    file_id: uuid.UUID,
) -> tuple[UploadedFile, bytes]:
    """The file row and its plaintext (files stored before 2026-12 may be plaintext at rest)."""
    await require_product(session, product_id, org_id)
    record = await repository.get_file_for_org(session, product_id, file_id, org_id)
    if record is None:
        raise NotFound("File not found")
    blob = await storage.get(record.storage_key)
    if record.enc_wrapped_key is not None:
        return record, decrypt_file(blob, record.enc_wrapped_key, kek)
    return record, blob
