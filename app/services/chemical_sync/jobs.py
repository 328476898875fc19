"""System task handlers: TW list import from an uploaded template; ECHA classification refresh.

Both write shared reference tables, so they use the dedicated `pifai_sync` login (the app role
may only read those tables).
"""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.core.config import Settings
from app.core.file_crypto import decrypt_file, kek_for
from app.core.storage import storage_for
from app.engines.regulatory import TemplateError, parse_tw_file
from app.integrations.toxicology import SubstanceRef
from app.models import ChemicalSyncRun, Ingredient, ProductIngredient
from app.models.enums import SyncRunStatus, SyncSource
from app.services.regulatory import sync_entries
from app.services.tasks import JobContext, PermanentError, Queue, register_handler
from app.services.toxicology import Lookup, build_sources, lookup_many


@asynccontextmanager
async def sync_session(settings: Settings) -> AsyncIterator[AsyncSession]:
    engine = create_async_engine(settings.sync_url, pool_size=1, max_overflow=0)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
            yield session
    finally:
        await engine.dispose()


@register_handler("chemical_sync.tfda", queue=Queue.SYNC)
async def tfda_sync(ctx: JobContext) -> dict[str, Any]:
    payload = ctx.task.payload
    data = await storage_for(ctx.settings).get(str(payload["storage_key"]))
    if payload.get("wrapped_key"):  # uploads before 2026-12 were stored as they came
        data = decrypt_file(data, bytes.fromhex(str(payload["wrapped_key"])), kek_for(ctx.settings))
    await ctx.progress(10)
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(str(payload["filename"])).name
        path.write_bytes(data)
        try:
            entries = parse_tw_file(path)
        except TemplateError as exc:
            raise PermanentError(f"TW template rejected: {exc}") from exc
    await ctx.progress(40)
    async with sync_session(ctx.settings) as session:
        result = await sync_entries(
            session, entries, source=SyncSource.TFDA, triggered_by=ctx.task.created_by
        )
    return {
        "run_id": str(result.run_id),
        "added": result.added,
        "changed": result.changed,
        "removed": result.removed,
        "unchanged": result.unchanged,
    }


@register_handler("chemical_sync.echa", queue=Queue.SYNC)
async def echa_sync(ctx: JobContext) -> dict[str, Any]:
    """Refresh the ECHA classification of every ingredient used in a confirmed formula."""
    async with sync_session(ctx.settings) as session:
        run = ChemicalSyncRun(
            source=SyncSource.ECHA.value,
            status=SyncRunStatus.RUNNING.value,
            started_at=datetime.now(UTC),
            triggered_by=ctx.task.created_by,
        )
        session.add(run)
        await session.flush()
        used = select(ProductIngredient.ingredient_id).where(
            ProductIngredient.ingredient_id.is_not(None)
        )
        # product_ingredients is tenant data the sync role cannot read: ask the task's session
        ids = set((await ctx.session.execute(used.distinct())).scalars())
        rows = await session.execute(
            select(Ingredient.id, Ingredient.inci_name, Ingredient.cas_number).where(
                Ingredient.id.in_(ids)
            )
        )
        lookups = [Lookup(SubstanceRef(inci_name=n, cas=c), i) for i, n, c in rows]
        settings = ctx.settings.model_copy(update={"toxicology_sources": ["echa"]})
        sources, clients = build_sources(settings, ctx.redis)
        try:
            found = await lookup_many(
                session,
                lookups,
                sources,
                ttl=timedelta(days=ctx.settings.toxicology_cache_days),
                force=True,
            )
        finally:
            for client in clients:
                await client.aclose()
        unavailable = sum(1 for f in found if f.unavailable)
        run.status, run.finished_at = SyncRunStatus.DONE.value, datetime.now(UTC)
        run.changed, run.unchanged = len(found) - unavailable, 0
        run.detail = f"{len(found)} ingredients; ECHA unavailable for {unavailable}"
        run_id: uuid.UUID = run.id
    return {"run_id": str(run_id), "ingredients": len(found), "unavailable": unavailable}
