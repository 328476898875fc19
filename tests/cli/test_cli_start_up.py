"""`pifai --help` stays light (no app import), tasks list shows whole ids, and a command on a
database that is not migrated says so in one line (the embedded one is migrated first)."""

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import URL
from typer.testing import CliRunner

from app.cli import app as cli
from app.cli import common
from app.cli.tasks import StatusChoice
from app.models.enums import TaskStatus
from tests import infra
from tests.cli.conftest import invoke

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("fastapi", "sqlalchemy", "pydantic_settings", "uvicorn", "alembic", "app.main")
PROBE = (
    "import atexit, sys\n"
    "heavy = {heavy!r}\n"
    "atexit.register(lambda: print('LOADED', [m for m in heavy if m in sys.modules], "
    "file=sys.stderr))\n"
    "sys.argv = ['pifai', *{args!r}]\n"
    "from app.cli import main\n"
    "main()\n"
)


def _help_modules(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(heavy=HEAVY, args=[*args, "--help"])],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": "", "REDIS_URL": ""},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout
    return done.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("args", [(), ("tasks", "list"), ("sync",), ("mcp", "tfda"), ("serve",)])
def test_help_imports_no_app_framework(args: tuple[str, ...]) -> None:
    assert _help_modules(*args) == "LOADED []"


def test_the_status_choices_are_the_task_statuses() -> None:
    assert [c.value for c in StatusChoice] == [s.value for s in TaskStatus]


@pytest.fixture
def empty_db(database_url: URL, worker_id: str) -> Iterator[URL]:
    name = f"pifai_cli_empty_{worker_id}_{os.getpid()}"[:63]
    url = infra.recreate_database(database_url, name)
    yield url
    infra.drop_database(database_url, name)


@pytest.mark.infra
def test_a_database_that_is_not_migrated_is_one_line_not_a_traceback(empty_db: URL) -> None:
    env = {"DATABASE_URL": empty_db.render_as_string(hide_password=False), "REDIS_URL": "redis://x"}
    result = CliRunner().invoke(cli, ["tasks", "list"], env=env)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "run `pifai migrate`" in lines[0], result.output


def test_the_embedded_database_is_migrated_before_a_command_uses_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[str] = []
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)

    def resolved(settings: Any) -> Any:
        return settings.model_copy(
            update={"database_url": "postgresql://u@h/d", "redis_url": "redis://x"}
        )

    monkeypatch.setattr("app.core.runtime.resolve_servers", resolved)
    monkeypatch.setattr(common, "migrate_database", lambda s: calls.append("migrate"))
    monkeypatch.setattr(common, "require_migrated", lambda s: calls.append("check"))
    common.load_settings(tmp_path)
    assert calls == ["migrate"]
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/d")
    common.load_settings(tmp_path)
    assert calls == ["migrate", "check"]


@pytest.mark.infra
def test_tasks_list_prints_whole_ids(cli_db: URL) -> None:
    import asyncio

    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    task_id = uuid.uuid4()

    async def add_task() -> None:
        engine = create_async_engine(cli_db)
        try:
            async with engine.begin() as conn:
                await conn.execute(
                    text(
                        "INSERT INTO tasks (id, type, queue, status, payload) "
                        "VALUES (:id, 'bench.noop', 'default', 'failed', '{}')"
                    ),
                    {"id": task_id},
                )
        finally:
            await engine.dispose()

    asyncio.run(add_task())
    assert str(task_id) in invoke(cli_db, "tasks", "list", "--status", "failed")
