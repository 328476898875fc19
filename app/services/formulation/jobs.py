"""Worker handler: formulation extraction for Item 3 (an AI draft; rows only after confirmation)."""

import asyncio
from typing import Any

from app.ai.providers import total_cost
from app.ai.providers.from_settings import provider_for
from app.core.file_crypto import decrypt_file, kek_for
from app.core.storage import storage_for
from app.core.tenancy import org_of
from app.engines.formula import (
    ExtractionError,
    FormulaExtractionResult,
    confidence_band,
)
from app.engines.pif import FORMULA_ITEM
from app.services import pif
from app.services.formulation.dictionary import dictionary_cache
from app.services.formulation.limits import ITEM3_MAX_LINES, TableTooLarge, check_formula_table
from app.services.tasks import JobContext, PermanentError, Queue, register_handler

SUM_TOLERANCE = 2.0


def draft_of(result: FormulaExtractionResult) -> dict[str, Any]:
    """The item's AI draft: the extraction plus a colour band for every field confidence."""
    draft = result.model_dump(mode="json")
    for line in draft["ingredients"]:
        line["confidence_band"] = {k: confidence_band(v) for k, v in line["confidence"].items()}
    draft["confidence_band"] = confidence_band(result.confidence)
    # The SA reviews the least certain lines first (OCR'd cells, fuzzy names); the lines
    # themselves stay in descending concentration order, as Item 3 lists them.
    draft["review_order"] = [
        line.sort_order
        for line in sorted(
            result.ingredients,
            key=lambda i: min(
                i.confidence.inci_name, i.confidence.cas, i.confidence.concentration_pct
            ),
        )
    ]
    draft["label"] = "AI reference draft: confirm or edit before it becomes the formula"
    return draft


EXTRACT_TASK = "formula.extract"


@register_handler(EXTRACT_TASK, queue=Queue.FORMULA_EXTRACT, on_failed=pif.reset_item)
async def extract_item3(ctx: JobContext) -> dict[str, Any]:
    task = ctx.task
    assert task.org_id is not None and task.product_id is not None
    files = [
        f
        for f in await pif.list_files_for_org(
            ctx.session, task.product_id, org_of(task), FORMULA_ITEM
        )
        if f.superseded_by is None
    ]
    if not files:
        raise PermanentError("No formula file is uploaded for item 3")
    record = files[-1]
    blob = await storage_for(ctx.settings).get(record.storage_key)
    kek = kek_for(ctx.settings)
    data = decrypt_file(blob, record.enc_wrapped_key, kek) if record.enc_wrapped_key else blob
    try:
        # files stored before the caps existed: refuse them as clearly as a new upload
        await asyncio.to_thread(check_formula_table, data, record.content_type)
    except TableTooLarge as exc:
        raise PermanentError(exc.message) from exc
    await ctx.progress(20)
    dictionary = await dictionary_cache.get(ctx.session)
    provider = provider_for(ctx.settings, dictionary, tools=ctx.tools)
    try:
        answer = await provider.extract_formulation(
            data, record.original_filename, record.content_type
        )
    except ExtractionError as exc:
        raise PermanentError(str(exc)) from exc
    result = answer.value
    if len(result.ingredients) > ITEM3_MAX_LINES:
        # the stored draft stays bounded and confirmable (Item 3's own limit)
        raise PermanentError(
            f"The file yields {len(result.ingredients):,} ingredient lines; Item 3 accepts at "
            f"most {ITEM3_MAX_LINES:,}"
        )
    await ctx.progress(80)
    # building the draft of a large table is CPU work too: off the event loop
    draft = await asyncio.to_thread(draft_of, result)
    draft["source_file_id"] = str(record.id)
    await pif.finish_analysis(ctx.session, task, draft, result.confidence)
    total = result.total_pct
    return {
        "ingredients": draft["ingredients"],
        "warnings": draft["warnings"],
        "sum_pct": total,
        "sum_ok": total is not None and abs(total - 100.0) <= SUM_TOLERANCE,
        "confidence": result.confidence,
        "provider": answer.provider,
        # token and cost accounting per call (zero for the local engine)
        "usage": [u.model_dump(mode="json") for u in answer.usage],
        "cost_usd": total_cost(answer.usage),
    }


pif.register_analyzer([FORMULA_ITEM], EXTRACT_TASK)
