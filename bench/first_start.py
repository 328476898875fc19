"""First-start benchmark: loading the shipped snapshot into an empty database, and a later start.

    uv run python -m bench.first_start [--data-dir DIR]

Uses DATABASE_URL when set (it must point at an empty, migrated-or-not database), else a fresh
embedded PostgreSQL in a temporary DATA_DIR. Times, as `pifai migrate` runs them:
- `alembic upgrade head` on the empty database;
- the first `load_shipped_reference_data` (10 lists + starter + CosIng inventory);
- a second `load_shipped_reference_data` (a later start), with its statement count;
- the whole second `pifai migrate` (Alembic no-op + role passwords + the check).
"""

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from app.cli.server import migrate_database
from app.core.config import Settings
from app.core.database import owner_engine
from app.core.logging import configure_logging
from app.core.migrations_state import alembic_config
from app.core.runtime import resolve_servers
from app.services.chemical_sync.bootstrap import load_shipped_reference_data


async def _load(settings: Settings) -> tuple[float, int, int]:
    engine = owner_engine(settings)
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        start = time.perf_counter()
        async with AsyncSession(engine) as session, session.begin():
            report = await load_shipped_reference_data(session)
        elapsed = time.perf_counter() - start
    finally:
        await engine.dispose()
    return elapsed, statements, len(report.lists)


def main(data_dir: Path) -> None:
    settings = resolve_servers(Settings(log_level="WARNING", data_dir=data_dir))
    configure_logging("WARNING")
    url = settings.owner_url.render_as_string(hide_password=False)
    start = time.perf_counter()
    command.upgrade(alembic_config(url), "head")
    print(f"alembic upgrade head (empty database): {time.perf_counter() - start:.2f} s")
    first, statements, lists = asyncio.run(_load(settings))
    print(f"first start, shipped snapshot load: {first:.2f} s ({lists} lists, {statements} stmts)")
    second, statements, lists = asyncio.run(_load(settings))
    print(f"second start, snapshot check: {second * 1000:.1f} ms ({statements} statement)")
    start = time.perf_counter()
    migrate_database(settings)
    print(f"second `pifai migrate` in full: {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    if args.data_dir is not None:
        main(args.data_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="pifai-bench-first-start-") as tmp:
            main(Path(tmp))
