"""The 202 answer of endpoints that start background work (reuse it; see app/api/v1/tasks.py).

@router.post("/{product_id}/pif/analyze", **ACCEPTED)
async def analyze(..., response: Response, session: TenantSession, jobs: Jobs) -> TaskAccepted:
    task = await tasks.enqueue(session, jobs, org_id=..., type="pif.analyze", payload={...})
    return accepted(response, task)
"""

from typing import Any

from fastapi import Response

from app.models.platform import Task
from app.schemas.tasks import TaskAccepted

TASKS_PATH = "/api/v1/tasks"

ACCEPTED: dict[str, Any] = {
    "status_code": 202,
    "response_model": TaskAccepted,
    "responses": {202: {"description": "Accepted; poll the Location header for the task"}},
}


def task_location(task: Task) -> str:
    return f"{TASKS_PATH}/{task.id}"


def accepted(response: Response, task: Task, *more: Task) -> TaskAccepted:
    """Set 202 + Location (the first task) on the route's response and return the
    `{task_id, status, task_ids}` body; `task_ids` lists every task, `task` first."""
    response.status_code = 202
    response.headers["Location"] = task_location(task)
    ids = list(dict.fromkeys([task.id, *(t.id for t in more)]))
    return TaskAccepted(task_id=task.id, status=task.status, task_ids=ids)
