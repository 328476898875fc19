"""Task polling and the 202 body of endpoints that start background work."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class TaskDetail(BaseModel):
    """What a task found or is doing, beyond `status` (set by task types that report it, e.g.
    the Items 9/10 toxicology batch)."""

    outcome: str | None = Field(
        default=None,
        description="Toxicology batch: `complete` (every source answered) | `partial` (some "
        "sources unavailable; the draft marks them, a background refresh is queued) | `on_hold` "
        "(every source unavailable for some ingredients: the item waits, not a finished draft; "
        "its analysis is retried at `retry_at`) | `gaps_after_retries` (still unavailable after "
        "the retries: the draft marks those values as data gaps)",
    )
    sources_unavailable: bool = Field(
        default=False, description="Some outside source did not answer (down, 5xx, timeout)"
    )
    sources: list[str] = Field(default_factory=list, description="The sources that did not answer")
    ingredients_affected: list[str] = Field(
        default_factory=list, description="Ingredients (INCI) with at least one source unavailable"
    )
    ingredients_without_data: list[str] = Field(
        default_factory=list,
        description="Ingredients for which every source was unavailable: all their values are "
        "data gaps until the retry",
    )
    retry_at: datetime | None = Field(
        default=None,
        description="The earliest scheduled retry still waiting (read live: it moves when a "
        "retry meets the sources still down; null once every retry has run)",
    )
    retry_task_ids: list[uuid.UUID] = Field(
        default_factory=list,
        description="The retries this task scheduled (each listed with the product's tasks)",
    )
    phase: str | None = Field(
        default=None, description="While processing: `lookup` | `summary` (Item 10)"
    )
    ingredients_done: int | None = Field(
        default=None, description="While processing: ingredients finished in `phase`"
    )
    ingredients_total: int | None = None


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    type: str
    status: str = Field(
        description="pending | pending_retry | processing | done | failed. `pending_retry`: an "
        "attempt failed (e.g. every outside source was down) and the next one is scheduled at "
        "`next_attempt_at`; `error` says why, `attempts` of `max_attempts` were used"
    )
    progress: int = Field(ge=0, le=100)
    product_id: uuid.UUID | None
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    max_attempts: int
    next_attempt_at: datetime | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    message: str | None = Field(
        default=None,
        description='In words, when there is more to say than `status`: e.g. "Toxicology '
        "sources unavailable (echa, pubchem) for 2 of 2 ingredients; retry at 2026-12-01 16:30 "
        'UTC", or "3 of 17 ingredients looked up"',
    )
    detail: TaskDetail | None = Field(
        default=None,
        description="Structured outcome and per-ingredient progress (toxicology batch)",
    )

    @model_validator(mode="after")
    def _retry_is_visible(self) -> "TaskRead":
        # stored as pending + next_attempt_at (what the sweeper and the claim read); shown apart
        if self.status == "pending" and self.next_attempt_at is not None:
            self.status = PENDING_RETRY
        return self


PENDING_RETRY = "pending_retry"


class TaskPage(BaseModel):
    items: list[TaskRead]
    total: int
    limit: int
    offset: int


class TaskAccepted(BaseModel):
    """Body of a 202: poll `Location` (GET /api/v1/tasks/{task_id})."""

    task_id: uuid.UUID = Field(description="The first task (kept for one-item callers)")
    status: str
    task_ids: list[uuid.UUID] = Field(
        default_factory=list, description="Every task this request enqueued, in request order"
    )
