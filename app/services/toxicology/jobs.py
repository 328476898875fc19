"""Worker handlers: the toxicology batch behind Items 9/10, and one ingredient's refresh."""

import uuid
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.ai.providers import Usage, total_cost
from app.ai.providers.from_settings import drafting_for, provider_for
from app.core.jobs import JobBuffer
from app.core.tenancy import OrgId, org_of
from app.engines.safety import ProposalLine, validate_proposals
from app.engines.toxicology import ToxicologySummary
from app.integrations.toxicology import SourceStatus, SubstanceRef
from app.models import Ingredient, Task
from app.services import formulation, pif, tasks
from app.services.formulation import dictionary_cache
from app.services.regulatory import shared_checker
from app.services.tasks import JobContext, PermanentError, Queue, register_handler
from app.services.toxicology import anchors as tox_anchors
from app.services.toxicology import drafts, safety
from app.services.toxicology.pipeline import IngredientToxicology, Lookup, lookup_many
from app.services.toxicology.sources import build_sources


def _ttl(ctx: JobContext) -> timedelta:
    return timedelta(days=ctx.settings.toxicology_cache_days)


async def _schedule_refreshes(
    ctx: JobContext, found: list[IngredientToxicology]
) -> tuple[dict[str, int], list[Task]]:
    """Queue one refresh per ingredient served stale (stale-while-revalidate, now) or with a
    source unavailable (pending retry, after `toxicology_retry_minutes`). The sweeper publishes
    them: this transaction is not committed yet. Returns the counts and the retries."""
    now = datetime.now(UTC)
    retry_at = now + timedelta(minutes=ctx.settings.toxicology_retry_minutes)
    counts = {"stale": 0, "unavailable": 0}
    retries: list[Task] = []
    for item in found:
        ingredient_id = item.lookup.ingredient_id
        if ingredient_id is None:
            continue
        if item.stale:
            reason, key, not_before = "stale", f"tox-refresh:{ingredient_id}:{now.date()}", None
        elif item.unavailable:
            slot = now.strftime("%Y-%m-%dT%H")  # at most one pending retry per ingredient an hour
            reason, key, not_before = "unavailable", f"tox-retry:{ingredient_id}:{slot}", retry_at
        else:
            continue
        queued = await tasks.enqueue(
            ctx.session,
            JobBuffer(),
            org_id=ctx.task.org_id,
            type="toxicology.refresh",
            payload={"ingredient_id": str(ingredient_id)},
            product_id=ctx.task.product_id,  # listed with the product's tasks
            idempotency_key=key,
            not_before=not_before,
        )
        counts[reason] += 1
        if reason == "unavailable":
            retries.append(queued)
    return counts, retries


BACKFILL_TASK = "toxicology.backfill"


def _authority_noael(item: IngredientToxicology) -> bool:
    """A numeric NOAEL from a non-EPA source (ECHA, eChemPortal ...) already answered."""
    return any(
        r.source != "comptox"
        and r.status is SourceStatus.OK
        and any(e.name.lower() in ("noael", "noel") and e.value is not None for e in r.endpoints)
        for r in item.results
    )


async def _backfill(ctx: JobContext, found: list[IngredientToxicology]) -> dict[str, int]:
    """Spec 06 §2: before tier 1, a line without an authoritative numeric NOAEL is back-filled
    from EPA ToxValDB (the CompTox answer, CAS or name -> DTXSID) and kept as a re-grounded
    anchor for its CAS. CompTox down: the line keeps its lower tier now and a retry is queued
    (fail-soft; the ingredient refresh retries master ingredients, the back-fill task the rest)."""
    anchors, _ = await tox_anchors.load_anchors(ctx.session)
    counts = {"stored": 0, "pending_retry": 0, "not_configured": 0}
    retry_at = datetime.now(UTC) + timedelta(minutes=ctx.settings.toxicology_retry_minutes)
    slot = datetime.now(UTC).strftime("%Y-%m-%dT%H")
    for item in found:
        ref = item.lookup.ref
        if tox_anchors.has_authority_value(ref.cas, anchors) or _authority_noael(item):
            continue
        comptox = next((r for r in item.results if r.source == "comptox"), None)
        if comptox is None:
            counts["not_configured"] += 1
            continue
        if comptox.status is SourceStatus.UNAVAILABLE:
            counts["pending_retry"] += 1
            if item.lookup.ingredient_id is None and ref.cas:  # refresh covers the others
                await tasks.enqueue(
                    ctx.session,
                    JobBuffer(),
                    org_id=ctx.task.org_id,
                    type=BACKFILL_TASK,
                    payload={"cas": ref.cas, "name": ref.inci_name},
                    idempotency_key=f"tox-backfill:{ref.cas}:{slot}",
                    not_before=retry_at,
                )
            continue
        cas = ref.cas or comptox.identifiers.get("cas")
        if cas and await tox_anchors.store_regrounded(
            ctx.session, cas=cas, name=ref.inci_name, result=comptox
        ):
            counts["stored"] += 1
    return counts


def _raise_on_outage(ctx: JobContext, item: IngredientToxicology) -> None:
    """A refresh that met every source down again: the attempt fails and the task waits
    (`pending_retry`, its next attempt time shown) instead of ending `done` with nothing."""
    if item.results and len(item.unavailable) == len(item.results):
        raise tasks.RetryLater(
            f"toxicology sources unavailable: {', '.join(sorted(item.unavailable))}",
            delay_seconds=ctx.settings.toxicology_retry_minutes * 60,
        )


BATCH_TASK = "toxicology.batch"
TOXICOLOGY_ITEMS = (9, 10)  # substance characterization, toxicological data
LOOKUP_END, SUMMARY_END = 70, 90  # task.progress: lookups 0-70, Item 10 summaries 70-90
# the item's retry runs just after the ingredient refreshes due at the same time (cache filled)
ITEM_RETRY_MARGIN = timedelta(minutes=1)


def _without_data(found: list[IngredientToxicology]) -> list[IngredientToxicology]:
    """Ingredients for which every source was unavailable: nothing but data gaps."""
    return [f for f in found if f.results and len(f.unavailable) == len(f.results)]


def _outage(found: list[IngredientToxicology], down: list[IngredientToxicology]) -> str:
    sources = ", ".join(sorted({s for f in found for s in f.unavailable}))
    return f"Toxicology sources unavailable ({sources}) for {len(down)} of {len(found)} ingredients"


async def _still_wanted(ctx: JobContext, item_number: int) -> bool:
    """A retry of the analysis runs only while the item still waits for it: being analysed,
    and no newer analysis of it started since (after the item moved on and back)."""
    task = ctx.task
    assert task.org_id is not None and task.product_id is not None
    if not await pif.analysis_open(ctx.session, task):
        return False
    latest = await tasks.latest_item_task(
        ctx.session, org_of(task), task.product_id, item_number, BATCH_TASK
    )
    return latest is None or latest.id == task.id


@register_handler(BATCH_TASK, queue=Queue.TOXICOLOGY, on_failed=pif.reset_item)
async def toxicology_batch(ctx: JobContext) -> dict[str, Any]:
    """Every confirmed Item 3 ingredient through all sources; drafts Item 9 or Item 10.

    Every source unavailable for some ingredient: the task ends `done` but the item is not a
    finished draft. It stays `ai_processing` with the reason (the provisional draft readable)
    and a retry of its analysis is scheduled (payload `retry_of`), just after the ingredients'
    refreshes. That retry waits again (`RetryLater`) while the sources are still down, drafts
    for real once they answer, and on its last attempt stores the fail-soft draft (data gaps
    marked, spec 04 §5) so the item never hangs."""
    task = ctx.task
    assert task.org_id is not None and task.product_id is not None
    item_number = int(task.payload["item_number"])  # type: ignore[call-overload]
    retry_of = task.payload.get("retry_of")
    if retry_of is not None and not await _still_wanted(ctx, item_number):
        return {"item_number": item_number, "retry_of": retry_of, "skipped": "item moved on"}
    lines = await formulation.confirmed_lines(ctx.session, task.product_id, org_of(task))
    if not lines:
        raise PermanentError(ITEM3_FIRST)  # confirmed lines removed after the 202
    lookups = [
        Lookup(
            SubstanceRef(inci_name=line.inci_name or line.raw_name, cas=line.cas_number),
            line.ingredient_id,
        )
        for line in lines
    ]
    sources, clients = build_sources(ctx.settings, ctx.redis)
    try:
        async with tasks.StepProgress(
            ctx, total=len(lookups), phase="lookup", end=LOOKUP_END
        ) as steps:
            found = await lookup_many(
                ctx.session, lookups, sources, ttl=_ttl(ctx), on_done=steps.step
            )
    finally:
        for client in clients:
            await client.aclose()
    down = _without_data(found)
    delay = timedelta(minutes=ctx.settings.toxicology_retry_minutes)
    if down and retry_of is not None and task.attempts < task.max_attempts:
        raise tasks.RetryLater(_outage(found, down), delay_seconds=delay.total_seconds())
    backfill = await _backfill(ctx, found)
    summaries: list[ToxicologySummary] = []
    usage: list[Usage] = []
    if item_number == 10:
        dictionary = await dictionary_cache.get(ctx.session)
        provider = provider_for(ctx.settings, dictionary, tools=ctx.tools)
        async with tasks.StepProgress(
            ctx, total=len(found), phase="summary", start=LOOKUP_END, end=SUMMARY_END
        ) as steps:
            for item in found:
                answer = await provider.summarize_toxicology(
                    item.lookup.ref.inci_name, item.lookup.ref.cas, item.results, {}
                )
                summaries.append(answer.value)
                usage.extend(answer.usage)
                await steps.step()
    draft, confidence = drafts.item_draft(item_number, found, summaries or None)
    if item_number == 10:
        draft, proposal_usage = await _with_safety(ctx, draft, found)
        usage.extend(proposal_usage)
    refreshes, retries = await _schedule_refreshes(ctx, found)
    unavailable = sorted({s for f in found for s in f.unavailable})
    if down and retry_of is None:
        outcome, reason = "on_hold", _outage(found, down)
        retries.append(
            await tasks.enqueue(
                ctx.session,
                JobBuffer(),  # published by the sweeper when due
                org_id=task.org_id,
                type=BATCH_TASK,
                payload={
                    "product_id": str(task.product_id),
                    "item_number": item_number,
                    "retry_of": str(task.id),
                    "reason": reason,
                },
                product_id=task.product_id,
                created_by=task.created_by,
                idempotency_key=f"tox-batch-retry:{task.id}",
                not_before=datetime.now(UTC) + delay + ITEM_RETRY_MARGIN,
            )
        )
        await pif.hold_analysis(ctx.session, task, {**draft, "provisional": True}, reason)
    elif down:
        outcome = "gaps_after_retries"
        reason = (
            f"{_outage(found, down)}, still after {task.attempts} retries: their values are "
            "data gaps; analyze again once the sources are back"
        )
        await pif.finish_analysis(ctx.session, task, draft, confidence, reason=reason)
    else:
        outcome = "partial" if unavailable else "complete"
        await pif.finish_analysis(ctx.session, task, draft, confidence)
    due = [t.next_attempt_at for t in retries if t.next_attempt_at is not None]
    detail = {
        "outcome": outcome,
        "sources_unavailable": bool(unavailable),
        "sources": unavailable,
        "ingredients_affected": [f.lookup.ref.inci_name for f in found if f.unavailable],
        "ingredients_without_data": [f.lookup.ref.inci_name for f in down],
        "retry_at": min(due).isoformat() if due else None,
        "retry_task_ids": [str(t.id) for t in dict.fromkeys(retries)],
        "ingredients_done": len(found),
        "ingredients_total": len(found),
    }
    return {
        "item_number": item_number,
        "ingredients": len(found),
        "sources_unavailable": unavailable,
        "refreshes_scheduled": refreshes["stale"],
        "retries_scheduled": refreshes["unavailable"],
        "backfill": backfill,
        "usage": [u.model_dump(mode="json") for u in usage],
        "cost_usd": total_cost(usage),
        "detail": detail,
        **({"retry_of": retry_of} if retry_of is not None else {}),
    }


async def _proposals(
    ctx: JobContext, assessed: dict[str, Any], inputs: list[safety.FormulaInput]
) -> tuple[list[dict[str, Any]], list[Usage]]:
    """Analogue proposals for the lines left without a number, each validated by the engine;
    a draft the SA confirms, never a basis (spec 06: the LLM only proposes)."""
    gaps = {ln["line_id"] for ln in assessed["lines"] if ln["verdict"] == "data_gap"}
    lines = [ProposalLine(i.line_id, i.inci, i.cas, i.smiles) for i in inputs if i.line_id in gaps]
    if not lines:
        return [], []
    anchors, _ = await tox_anchors.load_anchors(ctx.session)
    _, proposer = drafting_for(ctx.settings)
    proposed = await proposer.propose_analogues(lines, anchors)
    checked = validate_proposals(lines, anchors, proposed.value)
    return [asdict(p) for p in checked], proposed.usage


async def _with_safety(
    ctx: JobContext, draft: dict[str, Any], found: list[IngredientToxicology]
) -> tuple[dict[str, Any], list[Usage]]:
    """Item 10 from the engine: verdict rows stored, every draft line carries its basis label."""
    task = ctx.task
    assert task.org_id is not None and task.product_id is not None
    result, rows = await safety.assess_product(
        ctx.session,
        shared_checker(),
        org_id=org_of(task),
        product_id=task.product_id,
        results=[item.results for item in found],
    )
    await safety.store_verdicts(
        ctx.session, org_id=org_of(task), product_id=task.product_id, result=result
    )
    assessed = safety.serialize(result, task.product_id)
    for row, line in zip(draft["ingredients"], assessed["lines"], strict=True):
        row.update(verdict=line["verdict"], basis_label=line["basis_label"], mos=line["mos"])
        if line["verdict"] in ("prohibited", "non_compliant"):
            row["risk_level"] = "high"  # a statutory block is never "unknown"
    reasons = safety.open_points({"safety": assessed})
    proposals, usage = await _proposals(
        ctx, assessed, await safety.formula_inputs(ctx.session, rows)
    )
    assessed["proposals"] = proposals
    return {
        **draft,
        "safety": assessed,
        "open_for_sa": reasons,
        "confirmable_by_non_sa": not reasons,
    }, usage


ITEM3_FIRST = "Confirm the Item 3 formula first: toxicology starts from it"


async def _formula_confirmed(
    session: AsyncSession, *, org_id: OrgId, product_id: uuid.UUID
) -> str | None:
    return None if await formulation.confirmed_lines(session, product_id, org_id) else ITEM3_FIRST


pif.register_analyzer(TOXICOLOGY_ITEMS, BATCH_TASK, precondition=_formula_confirmed)


@register_handler(
    "toxicology.refresh",
    queue=Queue.TOXICOLOGY,
    waiting_reason="Toxicology sources unavailable for this ingredient",
)
async def toxicology_refresh(ctx: JobContext) -> dict[str, Any]:
    """Query every source again for one ingredient and replace its cache rows."""
    ingredient_id = uuid.UUID(str(ctx.task.payload["ingredient_id"]))
    ingredient = (
        await ctx.session.execute(select(Ingredient).where(Ingredient.id == ingredient_id))
    ).scalar_one_or_none()
    if ingredient is None:
        raise PermanentError("Ingredient not found")
    ref = SubstanceRef(inci_name=ingredient.inci_name, cas=ingredient.cas_number)
    sources, clients = build_sources(ctx.settings, ctx.redis)
    try:
        [found] = await lookup_many(
            ctx.session, [Lookup(ref, ingredient.id)], sources, ttl=_ttl(ctx), force=True
        )
    finally:
        for client in clients:
            await client.aclose()
    _raise_on_outage(ctx, found)
    backfill = await _backfill(ctx, [found])
    return {
        "ingredient_id": str(ingredient_id),
        "sources": {r.source: r.status.value for r in found.results},
        "backfill": backfill,
    }


@register_handler(BACKFILL_TASK, queue=Queue.TOXICOLOGY, waiting_reason="EPA CompTox unavailable")
async def toxicology_backfill(ctx: JobContext) -> dict[str, Any]:
    """Retry of a back-fill whose CompTox call failed, for a line outside the master."""
    ref = SubstanceRef(
        inci_name=str(ctx.task.payload.get("name") or ""), cas=str(ctx.task.payload["cas"])
    )
    sources, clients = build_sources(ctx.settings, ctx.redis)
    try:
        comptox = [s for s in sources if s.name == "comptox"]
        [found] = await lookup_many(ctx.session, [Lookup(ref, None)], comptox, ttl=_ttl(ctx))
    finally:
        for client in clients:
            await client.aclose()
    return {"cas": ref.cas, "backfill": await _backfill(ctx, [found])}
