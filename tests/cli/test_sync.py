"""`pifai sync …` against a database of its own: counts, idempotency, stored diffs."""

import asyncio
import re
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import create_async_engine

from app import data
from tests.cli.conftest import invoke

pytestmark = pytest.mark.infra
COSING_DIR = data.path("cosing/COSING_Annex_II_v2.txt").parent
ANNEX_COUNTS = {"II": 1744, "III": 373, "IV": 154, "V": 57, "VI": 34}


@pytest.fixture(scope="module")
def sync_db(cli_db: URL) -> URL:
    return cli_db


def _invoke(url: URL, *args: str) -> str:
    return invoke(url, "sync", *args)


def _scalar(url: URL, sql: str) -> object:
    async def go() -> object:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return (await conn.execute(text(sql))).scalar_one()
        finally:
            await engine.dispose()

    return asyncio.run(go())


def test_cosing_annexes_import_twice_gives_exact_counts_and_empty_diff(sync_db: URL) -> None:
    first = _invoke(sync_db, "cosing-annexes", str(COSING_DIR))
    assert "2362 added, 0 changed, 0 removed" in first
    for annex, count in ANNEX_COUNTS.items():
        assert (
            _scalar(sync_db, f"SELECT count(*) FROM regulated_substances WHERE annex = '{annex}'")
            == count
        )
    second = _invoke(sync_db, "cosing-annexes", str(COSING_DIR))
    assert "0 added, 0 changed, 0 removed, 2362 unchanged (no changes" in second
    assert _scalar(sync_db, "SELECT count(*) FROM regulated_substances") == 2362
    diff = _scalar(
        sync_db, "SELECT diff::text FROM chemical_sync_runs ORDER BY started_at DESC LIMIT 1"
    )
    assert '"added": []' in str(diff) and '"removed": []' in str(diff)


def test_inventory_import_is_idempotent(sync_db: URL, tmp_path: Path) -> None:
    source = data.path("cosing/cosing_inventory_simplified.csv").read_text()
    sample = tmp_path / "inventory.csv"
    sample.write_text("\n".join(source.splitlines()[:1500]) + "\n")
    starter = _invoke(sync_db, "starter")
    assert re.search(r"\d+ added", starter)
    first = _invoke(sync_db, "cosing-inventory", str(sample))
    assert re.search(r"[1-9]\d* added", first)
    again = _invoke(sync_db, "cosing-inventory", str(sample))
    assert re.search(r"0 added, 0 changed, \d+ unchanged", again)
    dupes = _scalar(
        sync_db,
        "SELECT count(*) FROM (SELECT inci_name_normalized FROM ingredients "
        "GROUP BY 1 HAVING count(*) > 1) d",
    )
    assert dupes == 0
