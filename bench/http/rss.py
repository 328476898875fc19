"""Resident memory of the API process (issue 18): idle, after warm-up, after a check-formula.

    uv run python -m bench.http.rss [--warmup 20]

Starts embedded PostgreSQL + Redis in a temporary data dir and `pifai api` as its own process
(as bench/http/run.py does), waits until /readyz answers 200 (database, Redis, schema at head),
prints the idle figure, seeds one org with 20 products, sends `--warmup` requests each to
/healthz and GET /api/v1/products, and prints VmRSS of the API process at each step; then the
first `check-formula` (40 lines: builds the checker cache) and how long /healthz took meanwhile.
"""

import argparse
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from app.core import embedded
from bench.http.run import FORMULA_40, _free_port, _rss_mib, _seed, _wait_ready, bench_servers


def _wait_readyz(url: str, timeout: float = 60) -> None:
    """Measure a process that can serve: database, Redis and the schema checked by /readyz."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if httpx.get(url, timeout=5).status_code == 200:
            return
        time.sleep(0.2)
    raise SystemExit(f"{url} did not answer 200 within {timeout:.0f} s")


def _rss_split(pid: int) -> str:
    """Anonymous (heap, Python objects) vs file-backed (shared libraries' pages) resident memory."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("RssAnon", "RssFile"):
            fields[key] = int(value.split()[0]) / 1024
    return ", ".join(f"{key} {value:.1f} MiB" for key, value in fields.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    run = bench_servers("pifai-bench-rss-")
    data_dir, settings = run.data_dir, run.settings
    port = _free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("pifai")), "api", "--port", str(port)],
        env=run.server_env(),
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_ready(f"{base}/healthz")
        _wait_readyz(f"{base}/readyz")
        time.sleep(1)
        print(f"RSS idle after start-up (/readyz ok): {_rss_mib(proc.pid):.1f} MiB "
              f"({_rss_split(proc.pid)})")  # fmt: skip
        headers, _ = _seed(base, settings)
        print(f"RSS after seeding (register, login, 20 products): {_rss_mib(proc.pid):.1f} MiB")
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            for _ in range(args.warmup):
                client.get("/healthz").raise_for_status()
                client.get("/api/v1/products").raise_for_status()
            print(f"RSS after {args.warmup}x (/healthz, GET /products): "
                  f"{_rss_mib(proc.pid):.1f} MiB")  # fmt: skip
            stalls: list[float] = []
            done = threading.Event()

            def poll() -> None:
                with httpx.Client(base_url=base, timeout=30) as probe:
                    while not done.is_set():
                        started = time.perf_counter()
                        probe.get("/healthz")
                        stalls.append((time.perf_counter() - started) * 1000)
                        time.sleep(0.01)

            poller = threading.Thread(target=poll)
            poller.start()
            started = time.perf_counter()
            body = json.dumps(FORMULA_40).encode()
            json_headers = {"Content-Type": "application/json"}
            client.post(
                "/api/v1/ingredients/check-formula", content=body, headers=json_headers
            ).raise_for_status()
            first = (time.perf_counter() - started) * 1000
            done.set()
            poller.join()
            print(f"first check-formula: {first:.0f} ms; /healthz meanwhile: n={len(stalls)}, "
                  f"max {max(stalls, default=0):.0f} ms")  # fmt: skip
            print(f"RSS after the first check-formula: {_rss_mib(proc.pid):.1f} MiB")
    finally:
        proc.terminate()
        proc.wait(10)
        embedded.stop_redis(data_dir)  # the embedded PostgreSQL stops with this process


if __name__ == "__main__":
    main()
