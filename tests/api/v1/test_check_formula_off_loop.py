"""check-formula's first call builds the checker cache in a thread: the event loop keeps serving."""

import asyncio
import threading
import time
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.services.regulatory import CheckerCache, store
from tests.factories import make_actor

pytestmark = pytest.mark.usefixtures("reference_data")


async def test_the_checker_is_built_off_the_event_loop(
    app: FastAPI,
    client: AsyncClient,
    owner_session: AsyncSession,
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    actor = await make_actor(owner_session, settings)
    monkeypatch.setattr(app.state, "regulatory_checker", CheckerCache(), raising=False)
    built_in: list[int] = []
    real = store._checker_of

    def slow_build(*args: Any) -> Any:
        built_in.append(threading.get_ident())
        time.sleep(0.3)  # a long CPU-bound build: the loop must not wait for it
        return real(*args)

    monkeypatch.setattr(store, "_checker_of", slow_build)
    ticks = 0
    done = asyncio.Event()

    async def ticker() -> None:
        nonlocal ticks
        while not done.is_set():
            await asyncio.sleep(0.01)
            ticks += 1

    ticking = asyncio.create_task(ticker())
    response = await client.post(
        "/api/v1/ingredients/check-formula",
        json={
            "product": {"form": "leave_on", "areas": ["face"]},
            "ingredients": [{"inci": "Water", "concentration": 100}],
        },
        headers=actor.headers,
    )
    done.set()
    await ticking
    assert response.status_code == 200, response.text
    assert built_in and built_in[0] != threading.get_ident()
    assert ticks >= 10  # the loop ran other work during the 0.3 s build
