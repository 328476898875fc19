"""End to end: `pifai serve` on a fresh data dir restarts its killed embedded servers and stops
them when it is stopped (they used to keep running after serve exited)."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from app.core import embedded

PIFAI = str(Path(sys.executable).parent / "pifai")


def _wait(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _postmaster_pid(data_dir: Path) -> int | None:
    try:
        return int((data_dir / "pg" / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def _healthy(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture
def data_dir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="pifai-serve-") as path:
        yield Path(path)
        embedded.stop_redis(Path(path))
        embedded.stop_postgres(Path(path))


def test_serve_restarts_killed_servers_and_stops_them_on_exit(data_dir: Path) -> None:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "APP_ENV")}
    serve = subprocess.Popen(
        [PIFAI, "serve", "--port", str(port), "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert _wait(lambda: _healthy(port), 180), "serve did not become ready"
        redis_pid, pg_pid = embedded.redis_pid(data_dir), _postmaster_pid(data_dir)
        assert redis_pid and pg_pid

        os.kill(redis_pid, signal.SIGKILL)
        os.kill(pg_pid, signal.SIGKILL)
        assert _wait(
            lambda: (
                embedded.redis_pid(data_dir) not in (None, redis_pid)
                and _postmaster_pid(data_dir) not in (None, pg_pid)
                and _healthy(port)
            ),
            90,
        ), "the killed embedded servers were not brought back"
        redis_pid, pg_pid = embedded.redis_pid(data_dir), _postmaster_pid(data_dir)
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=60)
    assert not embedded.redis_alive(data_dir)
    assert not embedded.postgres_alive(data_dir)
