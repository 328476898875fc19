"""Worker handler of the documents context: build a large dossier, reporting progress."""

import uuid
from typing import Any

from app.core.file_crypto import kek_for
from app.core.storage import storage_for
from app.core.tenancy import org_of
from app.services.documents.dossier import DOSSIER_TASK, run_build
from app.services.tasks import JobContext, PermanentError, Queue, register_handler


@register_handler(DOSSIER_TASK, queue=Queue.PIF_GENERATE)
async def build(ctx: JobContext) -> dict[str, Any]:
    task = ctx.task
    if task.org_id is None or task.product_id is None:
        raise PermanentError("a dossier needs an organization and a product")
    built = await run_build(
        ctx.session,
        ctx.settings,
        storage_for(ctx.settings),
        kek_for(ctx.settings),
        org_id=org_of(task),
        product_id=task.product_id,
        build_id=uuid.UUID(str(task.payload["build_id"])),
        with_formula=bool(task.payload.get("with_formula")),
        progress=ctx.progress,
    )
    if built is None:
        raise PermanentError("the dossier build is gone")
    return {
        "build_id": str(built.id),
        "status": built.status,
        "size_bytes": built.size_bytes,
        "file_count": built.file_count,
        "sha256": built.sha256,
        "download": f"/api/v1/products/{built.product_id}/pif/download?build_id={built.id}",
    }
