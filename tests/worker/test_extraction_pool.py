"""The formula extraction process: same draft as in-process, lazily started, stopped with the
worker, killed when its job is cancelled (app/services/extraction_process.py)."""

import asyncio
import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.engines.formula.ocr import OcrLimits
from app.engines.formula.starter import master_dictionary
from app.main import create_app
from app.services.extraction_process import ExtractionPool, extract_outcome, extraction_pool
from app.services.formulation.dictionary import ROWS_QUERY, dictionary_source
from app.services.formulation.limits import ITEM3_MAX_LINES
from app.worker import __main__ as worker_main
from tests.engines.formula.formula_sheets import xlsx_bytes
from tests.factories import Actor, make_actor, make_product, poll_task
from tests.worker.conftest import running_worker

pytestmark = pytest.mark.usefixtures("reference_data")

SHEET = xlsx_bytes(
    [
        ["成分 INCI", "CAS No.", "含量 %", "功能"],
        ["Aqua", "7732-18-5", "q.s.", "solvent"],
        ["Glycerine", "56-81-5", "5,0", "humectant"],
        ["Butylene  glycol", "107-88-0", "3", "humectant"],
        ["Phenoxyethanol ", "122-99-6", "0.8%", "preservative"],
        ["Zylotrimeric acid", "", "0.2", ""],  # unknown: fuzzy candidates
    ]
)


def _alive(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    # a zombie (state Z) has exited; it is only waiting to be reaped
    return stat.exists() and stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"


async def _gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def test_the_process_answers_the_draft_of_an_in_process_extraction(
    settings: Settings, owner_engine: AsyncEngine
) -> None:
    async with AsyncSession(owner_engine) as session:
        dictionary = master_dictionary(list((await session.execute(ROWS_QUERY)).all()))
    expected = extract_outcome(SHEET, "formula.xlsx", "", dictionary, OcrLimits(), ITEM3_MAX_LINES)
    source = dictionary_source(settings)
    pool = ExtractionPool()
    assert not pool.running  # lazily started
    try:
        got = await pool.extract(source, SHEET, "formula.xlsx", "", OcrLimits(), ITEM3_MAX_LINES)
        assert pool.running
        assert await pool.child_pid(source) != os.getpid()
    finally:
        await pool.shutdown()
    assert "error" not in got, got
    assert got == expected
    unknown = next(i for i in got["draft"]["ingredients"] if "unmatched" in i["flags"])
    assert unknown["raw_name"] == "Zylotrimeric acid"


async def test_an_unreadable_file_is_an_error_answer_not_a_broken_process(
    settings: Settings,
) -> None:
    pool, source, limits = ExtractionPool(), dictionary_source(settings), OcrLimits()
    try:
        got = await pool.extract(source, b"\x00\x01 junk", "f.csv", "", limits, ITEM3_MAX_LINES)
        assert set(got) == {"error"}
        # the same process answers the next file
        pid = await pool.child_pid(source)
        assert "draft" in await pool.extract(source, SHEET, "f.xlsx", "", limits, ITEM3_MAX_LINES)
        assert await pool.extract(source, SHEET, "f.xlsx", "", limits, 2) == {"lines": 5}
        assert await pool.child_pid(source) == pid
    finally:
        await pool.shutdown()


async def test_a_cancelled_job_kills_the_child_and_the_next_call_starts_another(
    settings: Settings,
) -> None:
    pool, source = ExtractionPool(), dictionary_source(settings)
    try:
        pid = await pool.child_pid(source)
        slow = asyncio.ensure_future(pool._submit(source, time.sleep, 60))
        await asyncio.sleep(0.5)  # running in the child
        slow.cancel()
        with pytest.raises(asyncio.CancelledError):
            await slow
        assert not pool.running
        assert await _gone(pid)
        assert await pool.child_pid(source) != pid
    finally:
        await pool.shutdown()


async def _extract_item3(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings
) -> tuple[Actor, uuid.UUID]:
    actor = await make_actor(owner_session, settings)
    product = await make_product(owner_session, actor)
    upload = await client.post(
        f"/api/v1/products/{product.id}/pif/upload",
        data={"item_number": "3"},
        files={"file": ("formula.xlsx", SHEET, "application/octet-stream")},
        headers=actor.headers,
    )
    assert upload.status_code == 201, upload.text
    response = await client.post(
        f"/api/v1/products/{product.id}/pif/analyze", json={"item_number": 3}, headers=actor.headers
    )
    assert response.status_code == 202, response.text
    task, _ = await poll_task(client, actor, response.headers["Location"])
    assert task["status"] == "done", task
    item = (await client.get(f"/api/v1/products/{product.id}/pif/3", headers=actor.headers)).json()
    names = {line["inci_name"] for line in item["ai_draft"]["ingredients"]}
    assert {"WATER", "GLYCERIN", "BUTYLENE GLYCOL", "PHENOXYETHANOL"} <= names
    assert item["ai_draft"]["source_file_id"]
    return actor, product.id


async def test_the_worker_extracts_in_the_process(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, fast_settings: Settings
) -> None:
    async with running_worker(fast_settings):
        await _extract_item3(client, owner_session, settings)
        assert extraction_pool.running  # the job ran in the extraction process


async def test_serve_stops_the_process_when_the_app_stops(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, fast_settings: Settings
) -> None:
    """`pifai serve`: the app with its in-process worker; the process ends with the app."""
    await extraction_pool.shutdown()
    served = create_app(fast_settings, run_startup_migrations=False, with_worker=True)
    async with served.router.lifespan_context(served):
        assert not extraction_pool.running  # lazily started
        await _extract_item3(client, owner_session, settings)
        pid = await extraction_pool.child_pid(dictionary_source(fast_settings))
    assert not extraction_pool.running
    assert await _gone(pid, timeout=1.0)


async def test_pifai_worker_stops_the_process_when_it_stops(
    client: AsyncClient, owner_session: AsyncSession, settings: Settings, fast_settings: Settings
) -> None:
    """`pifai worker` (`python -m app.worker`): stopped by SIGTERM, the process with it."""
    await extraction_pool.shutdown()
    worker = asyncio.create_task(worker_main.serve(fast_settings))
    try:
        await _extract_item3(client, owner_session, settings)
        pid = await extraction_pool.child_pid(dictionary_source(fast_settings))
        os.kill(os.getpid(), signal.SIGTERM)  # the worker's handler: drain and stop
        await asyncio.wait_for(worker, timeout=60)
    finally:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        worker.cancel()
    assert not extraction_pool.running
    assert await _gone(pid, timeout=1.0)
