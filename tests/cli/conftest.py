"""A database of its own for CLI tests (commands commit and import for real)."""

import os
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy.engine import URL
from typer.testing import CliRunner

from app.cli import app as cli
from app.core.migrations_state import alembic_config
from tests import infra


@pytest.fixture(scope="module")
def cli_db(database_url: URL, worker_id: str, request: pytest.FixtureRequest) -> Iterator[URL]:
    name = f"pifai_cli_{request.module.__name__.rsplit('.', 1)[-1]}_{worker_id}_{os.getpid()}"[:63]
    url = infra.recreate_database(database_url, name)
    command.upgrade(alembic_config(url.render_as_string(hide_password=False)), "head")
    yield url
    infra.drop_database(database_url, name)


def invoke(url: URL, *args: str) -> str:
    """Run `pifai ARGS` against `url`; the output with whitespace collapsed."""
    env = {"DATABASE_URL": url.render_as_string(hide_password=False), "REDIS_URL": "redis://x"}
    result = CliRunner().invoke(cli, list(args), env=env)
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())
