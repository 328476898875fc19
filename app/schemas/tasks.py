"""Task polling and the 202 body of endpoints that start background work."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


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
