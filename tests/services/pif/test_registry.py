"""Contexts plug their item analyzers and confirm hooks into pif; pif names none of them."""

import uuid

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.services import pif
from app.services.pif import registry


def test_each_context_registers_its_analyzer() -> None:
    assert pif.analyzer_for(3) == "formula.extract"
    assert pif.analyzer_for(9) == pif.analyzer_for(10) == "toxicology.batch"
    assert all(pif.analyzer_for(n) == pif.DEFAULT_ANALYZER for n in (1, 2, 4, 5, 11, 16))


def test_formulation_turns_a_confirmed_item3_into_lines() -> None:
    from app.services.formulation import item3_confirmed

    pif.analyzer_for(1)  # loads the registering contexts
    assert registry._confirm_hooks[3] == [item3_confirmed]
    assert set(registry._confirm_hooks) == {3}


def test_one_analyzer_per_item() -> None:
    pif.register_analyzer([3], "formula.extract")  # same again: fine
    with pytest.raises(ValueError, match="already analysed"):
        pif.register_analyzer([3], "other.task")
    with pytest.raises(ValueError, match="1 to 16"):
        pif.register_analyzer([17], "other.task")
    assert pif.analyzer_for(3) == "formula.extract"


async def test_confirm_hooks_run_for_their_item_only(monkeypatch: pytest.MonkeyPatch) -> None:
    pif.analyzer_for(1)  # contexts registered before the swap, so the real hooks stay intact
    monkeypatch.setattr(registry, "_confirm_hooks", {})
    seen: list[dict[str, object]] = []

    @pif.on_confirmed(7)
    async def hook(
        session: AsyncSession, *, org_id: uuid.UUID, product_id: uuid.UUID, data: dict[str, object]
    ) -> None:
        seen.append(data)

    session = object()  # the hook receives the caller's session untouched
    ids = {"org_id": uuid.uuid4(), "product_id": uuid.uuid4()}
    await registry.run_confirm_hooks(session, item_number=7, data={"a": 1}, **ids)  # type: ignore[arg-type]
    await registry.run_confirm_hooks(session, item_number=8, data={"b": 2}, **ids)  # type: ignore[arg-type]
    assert seen == [{"a": 1}]
