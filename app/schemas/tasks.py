"""Task polling and the 202 body of endpoints that start background work."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    type: str
    status: str = Field(description="pending | processing | done | failed")
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


class TaskPage(BaseModel):
    items: list[TaskRead]
    total: int
    limit: int
    offset: int


class TaskAccepted(BaseModel):
    """Body of a 202: poll `Location` (GET /api/v1/tasks/{task_id})."""

    task_id: uuid.UUID
    status: str
