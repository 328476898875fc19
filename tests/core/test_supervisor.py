"""`pifai serve` supervises its embedded servers: a killed Redis comes back; stop stops it."""

import os
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core import embedded
from app.core.config import Settings
from app.core.supervisor import EmbeddedSupervisor


def _wait(condition: object, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def data_dir() -> Iterator[Path]:
    # short path: a unix socket path is limited to ~100 bytes
    with tempfile.TemporaryDirectory(prefix="pifai-sup-") as path:
        yield Path(path)
        embedded.stop_redis(Path(path))
        embedded.wait_redis_stopped(Path(path))


def test_only_embedded_servers_are_supervised(tmp_path: Path) -> None:
    external = Settings(
        data_dir=tmp_path, database_url="postgresql://x@127.0.0.1/x", redis_url="redis://x"
    )
    assert not EmbeddedSupervisor.for_settings(external).active
    embedded_only = EmbeddedSupervisor.for_settings(Settings(data_dir=tmp_path, redis_url=None))
    assert embedded_only.redis


def test_a_killed_embedded_redis_is_restarted_and_stop_stops_it(data_dir: Path) -> None:
    embedded.start_redis(data_dir)
    first = embedded.redis_pid(data_dir)
    assert first is not None
    supervisor = EmbeddedSupervisor(data_dir, postgres=False, redis=True, interval=0.1)
    supervisor.start()
    try:
        os.kill(first, signal.SIGKILL)
        assert _wait(lambda: not embedded.redis_alive(data_dir), 10)
        back = _wait(
            lambda: embedded.redis_alive(data_dir) and embedded.redis_pid(data_dir) != first, 20
        )
        assert back, "the supervisor did not restart the killed Redis"
        # counted once start_redis returns in the supervisor's thread (it may see the server
        # answer a moment after this thread does)
        assert _wait(lambda: supervisor.restarts["redis"] >= 1, 10)
    finally:
        supervisor.stop()
    assert not embedded.redis_alive(data_dir)
    pid = embedded.redis_pid(data_dir)
    assert pid is None or not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
