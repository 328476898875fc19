"""What other contexts plug into the PIF: per-item analyzers and on-confirm hooks.

pif names none of them: formulation and toxicology register here when their package loads
(`tasks.load_handlers()` imports every context's `jobs` module), so pif imports neither.
"""

import uuid
from collections.abc import Awaitable, Callable, Iterable
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.tenancy import OrgId
from app.services import tasks

# Items nobody registered for get the generic document-text analysis of this context.
DEFAULT_ANALYZER = "pif.analyze"


class ConfirmHook(Protocol):
    def __call__(
        self,
        session: AsyncSession,
        *,
        org_id: OrgId,
        product_id: uuid.UUID,
        data: dict[str, object],
    ) -> Awaitable[None]: ...


class Precondition(Protocol):
    """Why the analysis cannot start yet (a sentence for the user), or None when it can."""

    def __call__(
        self, session: AsyncSession, *, org_id: OrgId, product_id: uuid.UUID
    ) -> Awaitable[str | None]: ...


_analyzers: dict[int, str] = {}
_preconditions: dict[int, Precondition] = {}
_confirm_hooks: dict[int, list[ConfirmHook]] = {}


def _check_item(item_number: int) -> None:
    if not 1 <= item_number <= 16:
        raise ValueError(f"PIF items are numbered 1 to 16, not {item_number}")


def register_analyzer(
    item_numbers: Iterable[int], task_type: str, *, precondition: Precondition | None = None
) -> None:
    """Analysis of these items runs as the task `task_type` (one analyzer per item); a
    `precondition` is checked before anything is enqueued (the request answers 409 instead)."""
    for number in item_numbers:
        _check_item(number)
        existing = _analyzers.setdefault(number, task_type)
        if existing != task_type:
            raise ValueError(f"item {number} already analysed by {existing!r}")
        if precondition is not None:
            _preconditions[number] = precondition


async def refusal_for(
    session: AsyncSession, *, org_id: OrgId, product_id: uuid.UUID, item_number: int
) -> str | None:
    """The registered precondition's refusal for analysing this item now, if any."""
    tasks.load_handlers()
    check = _preconditions.get(item_number)
    return await check(session, org_id=org_id, product_id=product_id) if check else None


def analyzer_for(item_number: int) -> str:
    tasks.load_handlers()  # imports the registering contexts once
    return _analyzers.get(item_number, DEFAULT_ANALYZER)


def on_confirmed(item_number: int) -> Callable[[ConfirmHook], ConfirmHook]:
    """Decorator: run the hook in the same transaction when the item reaches human_reviewed."""
    _check_item(item_number)

    def register(hook: ConfirmHook) -> ConfirmHook:
        hooks = _confirm_hooks.setdefault(item_number, [])
        if hook not in hooks:
            hooks.append(hook)
        return hook

    return register


async def run_confirm_hooks(
    session: AsyncSession,
    *,
    org_id: OrgId,
    product_id: uuid.UUID,
    item_number: int,
    data: dict[str, object],
) -> None:
    tasks.load_handlers()
    for hook in _confirm_hooks.get(item_number, ()):
        await hook(session, org_id=org_id, product_id=product_id, data=data)
