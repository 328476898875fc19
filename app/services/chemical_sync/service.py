"""Start list syncs (system tasks) and report the last run per source."""

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.file_crypto import KeyEncryptionKey, encrypt_file
from app.core.jobs import JobBuffer
from app.core.storage import Storage
from app.models import ChemicalSyncRun, Task
from app.services import tasks


@dataclass(frozen=True)
class SourceStatus:
    source: str
    last_run: ChemicalSyncRun | None


async def start_tfda_sync(
    session: AsyncSession,
    jobs: JobBuffer,
    storage: Storage,
    kek: KeyEncryptionKey,
    *,
    user_id: uuid.UUID,
    filename: str,
    data: bytes,
) -> Task:
    """Keep the uploaded TW template (encrypted), then queue its import (a system task)."""
    key = f"system/chemical-sync/{uuid.uuid4()}"  # the name stays in the payload, not on disk
    encrypted = encrypt_file(data, kek)
    task = await tasks.enqueue(
        session,
        jobs,
        org_id=None,
        type="chemical_sync.tfda",
        created_by=user_id,
        payload={
            "storage_key": key,
            "filename": filename,
            "wrapped_key": encrypted.wrapped_key.hex(),  # wrapped by the KEK: safe to store
        },
    )
    await storage.put(key, encrypted.blob)
    return task


async def start_echa_sync(session: AsyncSession, jobs: JobBuffer, *, user_id: uuid.UUID) -> Task:
    return await tasks.enqueue(
        session, jobs, org_id=None, type="chemical_sync.echa", created_by=user_id, payload={}
    )


async def last_runs(session: AsyncSession, sources: list[str]) -> list[SourceStatus]:
    out = []
    for source in sources:
        run = (
            await session.execute(
                select(ChemicalSyncRun)
                .where(ChemicalSyncRun.source == source)
                .order_by(ChemicalSyncRun.started_at.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        out.append(SourceStatus(source, run))
    return out
