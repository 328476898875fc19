"""Shared CLI plumbing: the --data-dir option and settings resolution."""

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from app.core.config import Settings
from app.core.logging import configure_logging
from app.core.runtime import resolve_servers

T = TypeVar("T")

DataDirOption = Annotated[
    Path | None,
    typer.Option(
        "--data-dir",
        envvar="DATA_DIR",
        help="Data directory of the embedded PostgreSQL/Redis (ignored when DATABASE_URL and "
        "REDIS_URL are set).",
    ),
]


def base_settings(data_dir: Path | None, *, json_logs: bool = False) -> Settings:
    """Settings from the environment, before any embedded server is started."""
    overrides: dict[str, Any] = {"log_json": json_logs}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    settings = Settings(**overrides)
    # before the embedded servers start, so their start-up lines share the one log format
    configure_logging(settings.log_level, settings.log_json)
    return settings


def load_settings(data_dir: Path | None, *, json_logs: bool = False) -> Settings:
    """Settings from the environment, with embedded servers started when URLs are unset."""
    return resolve_servers(base_settings(data_dir, json_logs=json_logs))


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)
