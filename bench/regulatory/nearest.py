"""`uv run python -m bench.regulatory.nearest`: candidate search for unidentified lines.

The shipped master and lists (EU annexes + TFDA); per name, uncached, the median time of the
trigram-prefiltered search and of the exhaustive one, interleaved name by name; agreement on
misspelt master names (one letter deleted or two swapped); the index's size and build time.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from functools import partial

from app.engines.regulatory.nearest import NearestNames
from app.engines.regulatory.substances import name_key
from tests.regulatory_corpus.runner import tw_checker


def _misspelt(name: str, rng: random.Random) -> str:
    i = rng.randrange(len(name) - 1)
    if rng.random() < 0.5:
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _ms(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names", type=int, default=1000)
    args = parser.parse_args()
    checker = tw_checker()
    assert checker.master is not None
    names = [*checker.master.inci_names, *checker.names.names]
    gc.collect()
    tracemalloc.start()
    started = time.perf_counter()
    index = NearestNames(names)
    build = time.perf_counter() - started
    size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"index: {len(index)} keys; {size / 2**20:.1f} MiB (peak {peak / 2**20:.1f} MiB) traced;"
          f" build {build:.2f} s under tracemalloc")  # fmt: skip
    started = time.perf_counter()
    NearestNames(names)
    print(f"build without tracemalloc: {time.perf_counter() - started:.2f} s")
    rng = random.Random(18)
    sample = rng.sample([n for n in checker.master.inci_names if len(n) >= 4], args.names)
    typos = [_misspelt(n, rng) for n in sample]
    unknown = [f"PEG-{n}" for n in range(4, 41)]
    for label, queries in (("misspelt master names", typos), ("PEG-4..40", unknown)):
        fast: list[float] = []
        full: list[float] = []
        for q in queries:  # interleaved; `_search` skips the cache
            key = name_key(q)
            fast.append(_ms(partial(index._search, key, 3)))
            full.append(_ms(partial(index.exhaustive, q)))
        print(f"{label}: median ms per name, prefiltered {statistics.median(fast):.3f},"
              f" exhaustive {statistics.median(full):.3f}")  # fmt: skip
    same = found = found_full = 0
    for name, typo in zip(sample, typos, strict=True):
        a, b = index.search(typo, 5), index.exhaustive(typo, 5)
        same += a[:1] == b[:1]
        found += name in a
        found_full += name in b
    n = len(sample)
    print(f"agreement on {n} misspelt names: same top candidate {100 * same / n:.1f} %,"
          f" true name in the top 5 {100 * found / n:.1f} %"
          f" (exhaustive {100 * found_full / n:.1f} %)")  # fmt: skip
    cached = _ms(lambda: [index.search(q, 5) for q in typos])  # all answered above
    print(f"cached: {cached / n * 1000:.1f} µs per name")
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
