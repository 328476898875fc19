"""Tasks context: enqueue background work, register handlers, read task records."""

from app.services.tasks.progress import StepProgress
from app.services.tasks.registry import (
    HandlerSpec,
    JobContext,
    PermanentError,
    ProgressReporter,
    Queue,
    RetryLater,
    UnknownTaskType,
    get_handler,
    load_handlers,
    register_handler,
    registered_types,
)
from app.services.tasks.repository import (
    get_task_for_org,
    latest_item_task,
    list_tasks_for_org,
    pending_retries_for_product,
)
from app.services.tasks.service import enqueue, job_ref, requeue
from app.services.tasks.views import task_view, task_views, when

__all__ = [
    "HandlerSpec",
    "JobContext",
    "PermanentError",
    "ProgressReporter",
    "Queue",
    "RetryLater",
    "StepProgress",
    "UnknownTaskType",
    "enqueue",
    "get_handler",
    "get_task_for_org",
    "job_ref",
    "latest_item_task",
    "list_tasks_for_org",
    "load_handlers",
    "pending_retries_for_product",
    "register_handler",
    "registered_types",
    "requeue",
    "task_view",
    "task_views",
    "when",
]
