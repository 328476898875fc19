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


_analyzers: dict[int, str] = {}
_confirm_hooks: dict[int, list[ConfirmHook]] = {}


def _check_item(item_number: int) -> None:
    if not 1 <= item_number <= 16:
        raise ValueError(f"PIF items are numbered 1 to 16, not {item_number}")


def register_analyzer(item_numbers: Iterable[int], task_type: str) -> None:
    """Analysis of these items runs as the task `task_type` (one analyzer per item)."""
    for number in item_numbers:
        _check_item(number)
        existing = _analyzers.setdefault(number, task_type)
        if existing != task_type:
            raise ValueError(f"item {number} already analysed by {existing!r}")


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
