"""`pifai serve` owns its embedded servers: restart one that died, stop both when serve stops."""

import threading
from dataclasses import dataclass, field
from pathlib import Path

import structlog

from app.core import embedded
from app.core.config import Settings

log = structlog.get_logger(__name__)


@dataclass
class EmbeddedSupervisor:
    """A thread checks each embedded server every `interval` seconds and restarts a dead one."""

    data_dir: Path
    postgres: bool
    redis: bool
    interval: float = 1.0
    restarts: dict[str, int] = field(default_factory=lambda: {"postgres": 0, "redis": 0})
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @classmethod
    def for_settings(cls, settings: Settings, interval: float = 1.0) -> "EmbeddedSupervisor":
        """Only servers this process embeds (no URL configured) are supervised; call before
        `resolve_servers` fills the URLs in."""
        return cls(
            settings.data_dir,
            postgres=not settings.database_url,
            redis=not settings.redis_url,
            interval=interval,
        )

    @property
    def active(self) -> bool:
        return self.postgres or self.redis

    def check_once(self) -> list[str]:
        """Restart whichever embedded server is down; returns the names restarted."""
        restarted: list[str] = []
        checks = (
            ("redis", self.redis, embedded.redis_alive, embedded.start_redis),
            ("postgres", self.postgres, embedded.postgres_alive, embedded.ensure_postgres_running),
        )
        for name, enabled, alive, start in checks:
            if not enabled or alive(self.data_dir) or self._stop.is_set():
                continue
            log.warning("embedded_server_down", server=name)
            try:
                start(self.data_dir)
            except Exception as exc:  # keep supervising; retried on the next tick
                log.error("embedded_server_restart_failed", server=name, error=repr(exc))
                continue
            self.restarts[name] += 1
            restarted.append(name)
            log.warning("embedded_server_restarted", server=name, restarts=self.restarts[name])
        return restarted

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.check_once()

    def start(self) -> None:
        if self.active and self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="embedded-supervisor", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop supervising, then stop the embedded servers themselves."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 30)
        if self.redis:
            embedded.stop_redis(self.data_dir)
            if not embedded.wait_redis_stopped(self.data_dir):
                log.error("embedded_redis_did_not_stop", data_dir=str(self.data_dir))
        if self.postgres:
            embedded.stop_postgres(self.data_dir)
        log.info("embedded_servers_stopped", postgres=self.postgres, redis=self.redis)
