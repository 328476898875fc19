"""Worker handlers of the PIF context: the generic per-item document analysis."""

from typing import Any

from app.core.file_crypto import kek_for
from app.core.storage import storage_for
from app.core.tenancy import org_of
from app.services.pif import repository
from app.services.pif.analysis import fail_analysis, finish_analysis
from app.services.pif.documents import describe_file
from app.services.tasks import JobContext, Queue, register_handler

# Deterministic extraction only reads the documents' text; structured parsing per item type
# (GMP dates, test results...) is a later engine, so the draft says so and stays low-confidence.
TEXT_ONLY_CONFIDENCE = 0.3


async def reset_item(ctx: JobContext) -> None:
    """Domain fallback: the item goes back to `uploaded` with the task's error as reason."""
    reason = (ctx.task.error or "analysis failed").removeprefix("PermanentError: ")
    await fail_analysis(ctx.session, ctx.task, f"Analysis failed: {reason}")


@register_handler("pif.analyze", queue=Queue.DOC_PARSE, on_failed=reset_item)
async def analyze_item(ctx: JobContext) -> dict[str, Any]:
    task = ctx.task
    assert task.org_id is not None and task.product_id is not None
    item_number = int(task.payload["item_number"])  # type: ignore[call-overload]
    files = [
        f
        for f in await repository.list_files_for_org(
            ctx.session, task.product_id, org_of(task), item_number
        )
        if f.superseded_by is None
    ]
    storage, kek = storage_for(ctx.settings), kek_for(ctx.settings)
    described = [await describe_file(storage, kek, f) for f in files]
    draft: dict[str, object] = {
        "kind": "document_text",
        "files": described,
        "note": "Reference draft: text extracted deterministically; confirm the item's fields.",
    }
    finished = await finish_analysis(ctx.session, task, draft, TEXT_ONLY_CONFIDENCE)
    await ctx.progress(100)
    return {"item_number": item_number, "files": len(described), "draft_stored": finished}
