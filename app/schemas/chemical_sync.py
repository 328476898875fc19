"""Chemical-sync status response."""

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class SyncRunRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    source: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    added: int
    changed: int
    removed: int
    unchanged: int
    diff: dict[str, Any]
    detail: str | None


class SyncSourceStatus(BaseModel):
    source: str
    last_run: SyncRunRead | None


class SyncStatus(BaseModel):
    sources: list[SyncSourceStatus]
