"""HTTP request path at the stack's limit, side by side with a bare FastAPI + asyncpg app.

    uv run python -m bench.http [--seconds 5] [--rounds 3] [--concurrency 1,10,100]
                                [--baseline-src DIR] [--only "GET /products,POST /products"]

Starts embedded PostgreSQL + Redis in a temporary data dir (or DATABASE_URL / REDIS_URL), the
project API (`pifai api`) and the bare app (bench/http/bare_app.py) as separate processes on the
same database and data, then drives them interleaved (wrk when installed, else a bounded async
client) and prints throughput, p50/p99 latency and server CPU per request, with ratios.
`--baseline-src DIR` also starts `pifai api` from another checkout (e.g. a worktree of main) on
the same database and drives it interleaved with the two others ("base"): before/after figures
of one run, under the same load.
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from app.cli.server import migrate_database
from app.core import embedded
from app.core.config import AppEnv, Settings
from app.core.runtime import resolve_servers

SECRET = "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass
class Figures:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_request: float
    errors: int

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


@dataclass
class BenchServers:
    """A run's data dir, environment and embedded (or DATABASE_URL/REDIS_URL) servers, migrated."""

    data_dir: Path
    env: dict[str, str]
    settings: Settings

    def server_env(self, **extra: str) -> dict[str, str]:
        """The environment of a `pifai` process serving this run's servers."""
        return {**self.env, "DATABASE_URL": str(self.settings.database_url or ""),
                "REDIS_URL": str(self.settings.redis_url or ""), **extra}  # fmt: skip


def bench_servers(prefix: str) -> BenchServers:
    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    env = {**os.environ, "SECRET_KEY": SECRET, "APP_ENV": "development", "LOG_LEVEL": "WARNING",
           "DATA_DIR": str(data_dir), "PLAN_ENFORCEMENT": "off"}  # fmt: skip
    os.environ.update(env)
    settings = resolve_servers(Settings(app_env=AppEnv.DEVELOPMENT, data_dir=data_dir))
    migrate_database(settings)
    return BenchServers(data_dir, env, settings)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _wait_ready(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


async def _drive_async(
    method: str, url: str, headers: dict[str, str], body: bytes | None, conc: int, seconds: float
) -> tuple[list[float], int]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=conc, max_keepalive_connections=conc)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:

        async def loop() -> None:
            nonlocal errors
            while time.monotonic() < stop:
                started = time.perf_counter()
                try:
                    response = await client.request(method, url, headers=headers, content=body)
                except httpx.HTTPError:  # a timeout counts as an error, not the end of the run
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - started)
                if response.status_code >= 400:
                    errors += 1

        await asyncio.gather(*(loop() for _ in range(conc)))
    return latencies, errors


def _drive_wrk(
    method: str, url: str, headers: dict[str, str], body: bytes | None, conc: int, seconds: float
) -> tuple[int, float, float, int]:
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    lua_headers = "".join(f'wrk.headers["{k}"] = "{v}"\n' for k, v in headers.items())
    lua_body = f"wrk.body = {json.dumps(body.decode(), ensure_ascii=False)}\n" if body else ""
    script.write_text(
        f'wrk.method = "{method}"\n{lua_headers}{lua_body}'
        "done = function(summary, latency, requests)\n"
        '  io.write(string.format("RESULT %d %f %f %d\\n", summary.requests,'
        " latency:percentile(50), latency:percentile(99),"
        " summary.errors.status + summary.errors.connect + summary.errors.read"
        " + summary.errors.write + summary.errors.timeout))\n"
        '  io.write(string.format("ERRORS status=%d connect=%d read=%d write=%d timeout=%d\\n",'
        " summary.errors.status, summary.errors.connect, summary.errors.read,"
        " summary.errors.write, summary.errors.timeout))\nend\n"
    )
    threads = max(1, min(conc, 2))
    duration = max(1, round(seconds))  # wrk reads whole seconds ("-d5.0s" makes it exit 1)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{conc}", f"-d{duration}s", "-s", str(script), url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    script.unlink()
    match = re.search(r"RESULT (\d+) ([\d.]+) ([\d.]+) (\d+)", out)
    assert match, out
    if int(match[4]):  # which kind: non-2xx answers, or requests over wrk's 2 s timeout
        kinds = re.search(r"ERRORS .*", out)
        print("  wrk", kinds[0] if kinds else out, flush=True)
    return int(match[1]), float(match[2]) / 1000, float(match[3]) / 1000, int(match[4])


def measure(
    pid: int, method: str, url: str, headers: dict[str, str], body: bytes | None,
    conc: int, seconds: float,
) -> Figures:  # fmt: skip
    cpu_before, started = _cpu_seconds(pid), time.perf_counter()
    if shutil.which("wrk"):
        count, p50, p99, errors = _drive_wrk(method, url, headers, body, conc, seconds)
    else:
        latencies, errors = asyncio.run(_drive_async(method, url, headers, body, conc, seconds))
        count = len(latencies)
        ordered = sorted(latencies)
        p50 = statistics.median(ordered) * 1000 if ordered else 0.0
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000 if ordered else 0.0
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds(pid) - cpu_before
    return Figures(count, elapsed, p50, p99, cpu * 1000 / max(count, 1), errors)


def _same_body(app_url: str, bare_url: str, headers: dict[str, str]) -> None:
    """The baseline must do the same work: its list body is byte for byte the project's."""
    app_body = httpx.get(app_url, headers=headers, timeout=30).content
    bare_body = httpx.get(bare_url, headers=headers, timeout=30).content
    if app_body != bare_body:
        raise SystemExit(f"the bare app's body differs:\n{app_body[:400]!r}\n{bare_body[:400]!r}")


def _load() -> float:
    return os.getloadavg()[0]


def _seed(base: str, settings: Settings, products: int = 20) -> tuple[dict[str, str], str]:
    """An enterprise org with `products` products through the API; returns auth headers and a
    product id."""
    import asyncpg

    email = f"bench-{time.time_ns()}@example.com"
    password = "bench-password-1234"
    httpx.post(f"{base}/api/v1/auth/register", json={
        "email": email, "password": password, "full_name": "Bench", "org_name": "Bench Org",
        "org_type": "brand"}, timeout=30).raise_for_status()  # fmt: skip

    async def upgrade_plan() -> None:
        dsn = settings.owner_url.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(
                "UPDATE organizations SET plan = 'enterprise' WHERE id = "
                "(SELECT org_id FROM users WHERE email = $1)", email
            )  # fmt: skip
        finally:
            await conn.close()

    asyncio.run(upgrade_plan())
    login = httpx.post(f"{base}/api/v1/auth/login", json={"email": email, "password": password})
    login.raise_for_status()
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    product_id = ""
    for i in range(products):
        created = httpx.post(f"{base}/api/v1/products", headers=headers, timeout=30, json={
            "name": f"保濕精華液 {i}", "name_en": f"Serum {i}", "category": "general"})  # fmt: skip
        created.raise_for_status()
        product_id = created.json()["id"]
    return headers, product_id


FORMULA_40 = {
    "product": {"form": "leave_on", "areas": ["face"]},
    "ingredients": [
        {"inci": name, "concentration": pct}
        for name, pct in [("AQUA", 60.0), ("GLYCERIN", 5.0), ("PHENOXYETHANOL", 0.9)]
        + [(f"PEG-{n}", 0.8) for n in range(4, 41)]
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--concurrency", default="1,10,100")
    parser.add_argument("--max-load", type=float, default=1.0, help="wait (≤ 30 s) below this")
    parser.add_argument("--baseline-src", type=Path, help="a checkout to run as 'base' too")
    parser.add_argument(
        "--only", default="", help="run only the scenarios whose name has one of these (a,b)"
    )
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]

    run = bench_servers("pifai-bench-http-")
    data_dir, env, settings = run.data_dir, run.env, run.settings
    app_port, bare_port, base_port = _free_port(), _free_port(), _free_port()
    api = [str(Path(sys.executable).with_name("pifai")), "api", "--port"]
    app_dsn = settings.app_url.set(drivername="postgresql").render_as_string(hide_password=False)
    procs = [
        subprocess.Popen([*api, str(app_port)], env=run.server_env(), stdout=subprocess.DEVNULL),
        subprocess.Popen(
            [sys.executable, "-m", "bench.http.bare_app", str(bare_port)],
            env={**env, "BARE_DSN": app_dsn, "BARE_SECRET": SECRET}, stdout=subprocess.DEVNULL,
        ),
    ]  # fmt: skip
    if args.baseline_src:
        src = str(args.baseline_src.resolve())
        procs.append(subprocess.Popen(
            [*api, str(base_port)], env=run.server_env(PYTHONPATH=src), cwd=src,
            stdout=subprocess.DEVNULL,
        ))  # fmt: skip
    try:
        app_base, bare_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
        base_base = f"http://127.0.0.1:{base_port}"
        _wait_ready(f"{app_base}/healthz")
        _wait_ready(f"{bare_base}/docs")
        if args.baseline_src:
            _wait_ready(f"{base_base}/healthz")
        idle_rss = {"app": _rss_mib(procs[0].pid), "bare": _rss_mib(procs[1].pid)}
        headers, product_id = _seed(app_base, settings)
        _same_body(f"{app_base}/api/v1/products", f"{bare_base}/api/v1/products", headers)
        # creates go to another org: the listed org keeps its 20 products in every round
        create_headers, _ = _seed(app_base, settings, products=0)
        create_body = json.dumps({"name": "基準 產品", "name_en": "Bench", "category": "general"})
        scenarios = [
            ("GET /products", "GET", "/api/v1/products", None, True, headers),
            ("GET /products/{id}/pif", "GET", f"/api/v1/products/{product_id}/pif", None, False,
             headers),
            ("POST /products", "POST", "/api/v1/products", create_body.encode(), False,
             create_headers),
            ("check-formula (40)", "POST", "/api/v1/ingredients/check-formula",
             json.dumps(FORMULA_40).encode(), False, headers),
        ]  # fmt: skip
        wanted = [w.strip() for w in args.only.split(",")]
        scenarios = [s for s in scenarios if any(w in s[0] for w in wanted)]
        results: dict[tuple[str, int, str], list[Figures]] = {}
        for _ in range(args.rounds):
            for name, method, path, body, compare, caller in scenarios:
                json_headers = {**caller, "Content-Type": "application/json"}
                for conc in levels:
                    targets = [("app", procs[0].pid, app_base)]
                    if compare:
                        targets.append(("bare", procs[1].pid, bare_base))
                    if args.baseline_src:
                        targets.append(("base", procs[2].pid, base_base))
                    for label, pid, base in targets:
                        waited = 0
                        while _load() > args.max_load and waited < 30:
                            time.sleep(1)
                            waited += 1
                        # One request first: a first-use build (the checker) is not the path.
                        httpx.request(method, base + path, headers=json_headers, content=body,
                                      timeout=60)  # fmt: skip
                        fig = measure(pid, method, base + path, json_headers, body, conc,
                                      args.seconds)  # fmt: skip
                        results.setdefault((name, conc, label), []).append(fig)
        _print(
            results, [(s[0], s[4]) for s in scenarios], levels, with_base=bool(args.baseline_src)
        )
        for label, proc in (("app", procs[0]), ("bare", procs[1])):
            print(f"RSS {label}: idle after start {idle_rss[label]:.1f} MiB, after the runs "
                  f"{_rss_mib(proc.pid):.1f} MiB")  # fmt: skip
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
        embedded.stop_redis(data_dir)  # the embedded PostgreSQL stops with this process


def _median(figs: list[Figures], attr: str) -> float:
    return float(statistics.median(getattr(f, attr) for f in figs))


def _print(
    results: dict[tuple[str, int, str], list[Figures]],
    scenarios: list[tuple[str, bool]],
    levels: list[int],
    *,
    with_base: bool = False,
) -> None:
    tool = "wrk" if shutil.which("wrk") else "async httpx client"
    print(f"load generator: {tool}; medians over rounds; cpu = server process CPU per request;"
          f" load average now {_load():.2f}")  # fmt: skip
    print(f"{'scenario':26} {'c':>4} {'who':5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8}"
          f" {'cpu ms':>7} {'errors':>6}")  # fmt: skip
    for name, compare in scenarios:
        for conc in levels:
            labels = ("app", "bare") if compare else ("app",)
            for label in (*labels, "base") if with_base else labels:
                figs = results[(name, conc, label)]
                print(f"{name:26} {conc:>4} {label:5} {_median(figs, 'rps'):9.0f}"
                      f" {_median(figs, 'p50_ms'):8.2f} {_median(figs, 'p99_ms'):8.2f}"
                      f" {_median(figs, 'cpu_ms_per_request'):7.2f}"
                      f" {sum(f.errors for f in figs):6d}")  # fmt: skip
            if compare:
                app, bare = results[(name, conc, "app")], results[(name, conc, "bare")]
                throughput = _median(app, "rps") / max(_median(bare, "rps"), 1e-9)
                p99 = _median(app, "p99_ms") / max(_median(bare, "p99_ms"), 1e-9)
                print(f"{'':26} {conc:>4} ratio app/bare: throughput {throughput:.2f}x,"
                      f" p99 {p99:.2f}x")  # fmt: skip
                if with_base:
                    base = results[(name, conc, "base")]
                    throughput = _median(base, "rps") / max(_median(bare, "rps"), 1e-9)
                    p99 = _median(base, "p99_ms") / max(_median(bare, "p99_ms"), 1e-9)
                    print(f"{'':26} {conc:>4} ratio base/bare: throughput {throughput:.2f}x,"
                          f" p99 {p99:.2f}x")  # fmt: skip


if __name__ == "__main__":
    main()
