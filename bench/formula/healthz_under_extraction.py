"""`/healthz` latency while `pifai serve` (API + in-process worker) extracts a large formula file.

    uv run python -m bench.formula.healthz_under_extraction [--rows 2000] [--interval 0.01]

Starts embedded PostgreSQL + Redis in a temporary data dir, migrates it (loads the shipped
CosIng inventory, so the dictionary is the real 28,698 names), runs `pifai serve` in a
subprocess, uploads a ROWS-row CSV for Item 3, asks for its analysis, and polls `/healthz` one
request at a time (every INTERVAL s) from before the upload until the extraction task ends,
REPEAT times (the first builds the dictionary). Prints p50/p99/max of `/healthz` idle, during
each upload and each extraction, how long each took, and the resident memory (VmRSS) of the
`serve` process and of its child processes (the formula extraction process) at the end.

The server runs this checkout's code (PYTHONPATH): in a worktree whose venv is shared, the
`pifai` script alone imports whichever checkout the editable install last pointed at.
"""

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from app.core import embedded
from bench.http.run import _free_port, _seed, _wait_ready, bench_servers

NAMES = ["GLYCERIN", "BUTYLENE GLYCOL", "PHENOXYETHANOL", "TOCOPHEROL", "NIACINAMIDE", "PANTHENOL"]


def formula_csv(rows: int) -> bytes:
    """A wide formula: `rows` ingredient lines that add up to 100 %, real names and CAS."""
    cas = {"GLYCERIN": "56-81-5", "BUTYLENE GLYCOL": "107-88-0", "PHENOXYETHANOL": "122-99-6",
           "TOCOPHEROL": "59-02-8", "NIACINAMIDE": "98-92-0", "PANTHENOL": "81-13-0"}  # fmt: skip
    share = 100.0 / rows
    lines = ["INCI Name,CAS No.,% w/w,Function"]
    for i in range(rows):
        name = NAMES[i % len(NAMES)]
        lines.append(f"{name} {i // len(NAMES)},{cas[name]},{share:.6f},humectant")
    return ("\n".join(lines) + "\n").encode()


def formula_photo(rows: int) -> bytes:
    """A photographed formula table of `rows` lines (the OCR path: first use loads the models)."""
    import random

    from bench.formula.scans import degrade, encode, formula_rows, render_table

    table, _ = formula_rows(random.Random(8), rows, zh_header=False)
    return encode(degrade(render_table(table), random.Random(8), "photo"), "jpeg")


def _percentiles(samples: list[float]) -> str:
    if not samples:
        return "no samples"
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"n={len(ordered)} p50 {statistics.median(ordered) * 1000:.1f} ms, "
        f"p99 {p99 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms"
    )


ROOT = Path(__file__).resolve().parents[2]


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(p) for p in text)
    return found


def _memory(pid: int) -> str:
    parts = [f"serve {_rss_mib(pid):.1f} MiB"]
    for child in _children(pid):
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        # not the embedded PostgreSQL / Redis (children of this script)
        if "resource_tracker" in cmdline:
            parts.append(f"multiprocessing resource tracker {_rss_mib(child):.1f} MiB")
        elif "spawn_main" in cmdline:
            parts.append(f"extraction process {_rss_mib(child):.1f} MiB")
    return ", ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument(
        "--photo", action="store_true", help="a photographed ROWS-row formula (OCR) instead"
    )
    parser.add_argument("--interval", type=float, default=0.01)
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--repeat", type=int, default=2, help="extractions (1st: cold cache)")
    args = parser.parse_args()

    servers = bench_servers("pifai-bench-healthz-")
    data_dir, settings = servers.data_dir, servers.settings
    port = _free_port()
    serve = subprocess.Popen(
        [str(Path(sys.executable).with_name("pifai")), "serve", "--port", str(port)],
        env=servers.server_env(PYTHONPATH=str(ROOT)),
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(f"{base}/healthz", timeout=120)
        headers, product_id = _seed(base, settings)
        samples: dict[str, list[float]] = {"idle": []}
        phase = ["idle"]
        stop = threading.Event()

        def poll() -> None:
            with httpx.Client(base_url=base, timeout=30) as client:
                while not stop.is_set():
                    started = time.perf_counter()
                    client.get("/healthz").raise_for_status()
                    samples.setdefault(phase[0], []).append(time.perf_counter() - started)
                    time.sleep(args.interval)

        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        time.sleep(3)
        data, name, mime = formula_csv(args.rows), "csv", "text/csv"
        if args.photo:
            data, name, mime = formula_photo(args.rows), "jpg", "image/jpeg"
        outcomes: list[str] = []
        for run in range(args.repeat):
            if run:  # a fresh product: the failed item 3 of the last run keeps its file
                body = {"name": f"Bench {run}", "category": "general"}
                created = httpx.post(
                    f"{base}/api/v1/products", headers=headers, timeout=30, json=body
                )
                created.raise_for_status()
                product_id = created.json()["id"]
            phase[0] = f"upload (run {run + 1})"
            samples[phase[0]] = []
            upload = httpx.post(
                f"{base}/api/v1/products/{product_id}/pif/upload",
                data={"item_number": "3"},
                files={"file": (f"formula-{run}.{name}", data, mime)},
                headers=headers,
                timeout=60,
            )
            upload.raise_for_status()
            phase[0] = f"extracting (run {run + 1})"
            samples[phase[0]] = []
            started = time.perf_counter()
            accepted = httpx.post(
                f"{base}/api/v1/products/{product_id}/pif/analyze",
                json={"item_number": 3},
                headers=headers,
                timeout=60,
            )
            accepted.raise_for_status()
            location = accepted.headers["Location"]
            task: dict[str, object] = {}
            while time.perf_counter() - started < args.timeout:
                task = httpx.get(f"{base}{location}", headers=headers, timeout=30).json()
                if task.get("status") in ("done", "failed"):
                    break
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            phase[0] = "between"
            samples["between"] = []
            outcomes.append(
                f"run {run + 1}: task {task.get('status')} in {elapsed:.1f} s"
                + (f" ({task.get('error')})" if task.get("error") else "")
            )
            time.sleep(1)
        stop.set()
        poller.join(5)
        print(f"file: {args.rows} rows, {len(data) / 1024:.0f} KiB {name}; load average "
              f"{os.getloadavg()[0]:.2f}")  # fmt: skip
        for line in outcomes:
            print(line)
        for name, values in samples.items():
            if name.startswith(("extracting", "upload")):
                print(f"/healthz {name}: {_percentiles(values)}")
        print(f"/healthz idle: {_percentiles(samples['idle'])}")
        print(f"memory at the end: {_memory(serve.pid)}")
    finally:
        serve.terminate()
        serve.wait(30)
        embedded.stop_redis(data_dir)  # the embedded PostgreSQL stops with this process


if __name__ == "__main__":
    main()
