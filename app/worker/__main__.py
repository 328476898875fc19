"""`python -m app.worker`: one worker process on the configured (or embedded) servers."""

import asyncio
import signal

from app.core.config import Settings
from app.core.logging import configure_logging
from app.core.runtime import resolve_servers
from app.services.extraction_process import extraction_pool
from app.worker.runner import Runner, freeze_start_up


async def serve(settings: Settings) -> None:
    """Run until SIGTERM/SIGINT, then drain gracefully."""
    from prometheus_client import start_http_server

    if settings.worker_metrics_port:
        start_http_server(settings.worker_metrics_port)
    runner = Runner(settings)
    freeze_start_up()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, runner.request_stop)
    try:
        await runner.run()
    finally:
        await extraction_pool.shutdown()  # the formula extraction process, if one started


def main(settings: Settings | None = None) -> None:
    settings = resolve_servers(settings or Settings())
    configure_logging(settings.log_level, settings.log_json)
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
