"""Handler registry: task types (dotted names) → handler, queue, retry policy, fallback."""

import importlib
import importlib.util
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from app.ai.providers import NoTools, ToolBox
from app.core.config import Settings
from app.models.platform import Task


class Queue(StrEnum):
    """One Redis stream per queue (`queue:<value>`); workers scale on their depth."""

    PIF_GENERATE = "pif_generate"
    FORMULA_EXTRACT = "formula_extract"
    TOXICOLOGY = "toxicology"
    SA_DRAFT = "sa_draft"
    DOC_PARSE = "doc_parse"
    SYNC = "sync"
    DEFAULT = "default"


class PermanentError(Exception):
    """Bad input or a state that retrying cannot fix: the task fails at once."""


class RetryLater(Exception):
    """An outside dependency is down (every source unavailable): try again, not before
    `delay_seconds`. Meanwhile the task reads `pending_retry` with its next attempt time."""

    def __init__(self, message: str, *, delay_seconds: float = 0.0) -> None:
        super().__init__(message)
        self.delay_seconds = max(delay_seconds, 0.0)


ProgressReporter = Callable[[int], Awaitable[None]]


@dataclass(frozen=True)
class JobContext:
    """What a handler gets: a session scoped to the task's org (or system), and collaborators."""

    session: AsyncSession
    task: Task
    settings: Settings
    progress: ProgressReporter
    redis: Redis
    tools: ToolBox = field(default_factory=NoTools)  # the reference catalog for AI tool calls


Handler = Callable[[JobContext], Awaitable[dict[str, Any] | None]]
Fallback = Callable[[JobContext], Awaitable[None]]


@dataclass(frozen=True)
class HandlerSpec:
    name: str
    handler: Handler
    queue: Queue
    max_attempts: int | None  # None: settings.task_max_attempts
    on_failed: Fallback | None
    # shown while a task of this type waits for a scheduled attempt and has no error yet
    waiting_reason: str | None = None


_HANDLERS: dict[str, HandlerSpec] = {}
_loaded = False


class UnknownTaskType(LookupError):
    pass


def register_handler(
    name: str,
    *,
    queue: Queue = Queue.DEFAULT,
    max_attempts: int | None = None,
    on_failed: Fallback | None = None,
    waiting_reason: str | None = None,
) -> Callable[[Handler], Handler]:
    """Decorator: `@register_handler("pif.analyze", queue=Queue.PIF_GENERATE, on_failed=...)`."""
    if len(name) > 50 or "." not in name:
        raise ValueError(f"task type must be a dotted name of at most 50 characters: {name!r}")

    def decorate(handler: Handler) -> Handler:
        existing = _HANDLERS.get(name)
        if existing is not None and existing.handler is not handler:
            raise ValueError(f"task type {name!r} is already registered")
        _HANDLERS[name] = HandlerSpec(name, handler, queue, max_attempts, on_failed, waiting_reason)
        return handler

    return decorate


def load_handlers() -> None:
    """Import every `app.services.<ctx>.jobs` module once, so their decorators register."""
    global _loaded
    if _loaded:
        return
    import app.services as services

    for info in pkgutil.iter_modules(services.__path__):
        if not info.ispkg:
            continue
        module = f"{services.__name__}.{info.name}.jobs"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)
    _loaded = True


def get_handler(name: str) -> HandlerSpec:
    load_handlers()
    try:
        return _HANDLERS[name]
    except KeyError:
        raise UnknownTaskType(f"no handler registered for task type {name!r}") from None


def registered_types() -> list[str]:
    load_handlers()
    return sorted(_HANDLERS)
