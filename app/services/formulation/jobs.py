"""Worker handler: formulation extraction for Item 3 (an AI draft; rows only after confirmation)."""

import asyncio
from collections.abc import Sequence
from typing import Any

from app.ai.providers import Usage, total_cost
from app.ai.providers.from_settings import ocr_limits, provider_for
from app.core.file_crypto import decrypt_file, kek_for
from app.core.storage import storage_for
from app.core.tenancy import org_of
from app.engines.formula import ExtractionError
from app.engines.formula.draft import draft_of
from app.engines.pif import FORMULA_ITEM
from app.services import pif
from app.services.extraction_process import extraction_pool
from app.services.formulation.dictionary import dictionary_cache, dictionary_source
from app.services.formulation.limits import (
    ITEM3_MAX_LINES,
    TableTooLarge,
    check_formula_table,
    too_many_lines,
)
from app.services.tasks import JobContext, PermanentError, Queue, register_handler

SUM_TOLERANCE = 2.0


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
    key = ctx.settings.anthropic_api_key
    if key is None or not key.get_secret_value().strip():
        # the local engine: CPU-bound from the first byte to the draft, so in the extraction
        # process (app/services/extraction_process.py), never in a thread of this one
        outcome = await extraction_pool.extract(
            dictionary_source(ctx.settings),
            data,
            record.original_filename,
            record.content_type,
            ocr_limits(ctx.settings),
            ITEM3_MAX_LINES,
        )
        if "error" in outcome:
            raise PermanentError(outcome["error"])
        if "lines" in outcome:
            raise PermanentError(too_many_lines(outcome["lines"]))
        await ctx.progress(80)
        draft = outcome["draft"]
        draft["source_file_id"] = str(record.id)
        await pif.finish_analysis(ctx.session, task, draft, outcome["confidence"])
        return _summary(draft, outcome["confidence"], outcome.get("total_pct"), "local", [])
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
        raise PermanentError(too_many_lines(len(result.ingredients)))
    await ctx.progress(80)
    # building the draft of a large table is CPU work too: off the event loop
    draft = await asyncio.to_thread(draft_of, result)
    draft["source_file_id"] = str(record.id)
    await pif.finish_analysis(ctx.session, task, draft, result.confidence)
    return _summary(draft, result.confidence, result.total_pct, answer.provider, answer.usage)


def _summary(
    draft: dict[str, Any],
    confidence: float,
    total: float | None,
    provider: str,
    usage: Sequence[Usage],
) -> dict[str, Any]:
    return {
        "ingredients": draft["ingredients"],
        "warnings": draft["warnings"],
        "sum_pct": total,
        "sum_ok": total is not None and abs(total - 100.0) <= SUM_TOLERANCE,
        "confidence": confidence,
        "provider": provider,
        # token and cost accounting per call (zero for the local engine)
        "usage": [u.model_dump(mode="json") for u in usage],
        "cost_usd": total_cost(usage),
    }


pif.register_analyzer([FORMULA_ITEM], EXTRACT_TASK)
