"""Reference-data benchmark: ingredient search over the full CosIng inventory, formula check.

    uv run python -m bench.reference_data [--data DIR (default: app/data)] [--repeat 200]

Uses DATABASE_URL when set, else the embedded PostgreSQL in DATA_DIR (migrated first). Loads the
CosIng annexes and the ~28.7k-row inventory (idempotent), then times, through the app role:
- `search_ingredients` (the query behind GET /api/v1/ingredients/search) by query kind;
- `check_formula` for a 40-ingredient formula against all five annexes (engine only, in memory).
"""

import argparse
import asyncio
import statistics
import time
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from app import data
from app.cli.server import migrate_database
from app.core.config import Settings
from app.core.database import Database, analyze_reference_tables, owner_engine
from app.core.logging import configure_logging
from app.core.runtime import resolve_servers
from app.engines.regulatory import FormulaLine, RuleIndex, parse_annex_file, time_check_formula
from app.models.enums import SyncSource
from app.services.formulation import import_ingredients, records_from_inventory, search_ingredients
from app.services.regulatory import sync_entries

QUERIES = {
    "exact INCI": ["GLYCERIN", "PHENOXYETHANOL", "BUTYLENE GLYCOL", "NIACINAMIDE"],
    "misspelt (trigram)": ["glycerine", "phenoxyethanl", "butylen glycol", "niacinamid"],
    "CAS": ["56-81-5", "122-99-6", "107-88-0", "98-92-0"],
    "Chinese name": ["甘油", "丁二醇", "苯氧乙醇"],
    "prefix": ["SODIUM LAU", "CETEARYL", "PEG-40"],
}
FORMULA = [
    ("WATER", "7732-18-5", 60.0),
    ("GLYCERIN", "56-81-5", 5.0),
    ("BUTYLENE GLYCOL", "107-88-0", 4.0),
    ("NIACINAMIDE", "98-92-0", 4.0),
    ("CETEARYL ALCOHOL", "67762-27-0", 3.0),
    ("CAPRYLIC/CAPRIC TRIGLYCERIDE", "73398-61-5", 3.0),
    ("DIMETHICONE", "9006-65-9", 2.0),
    ("PHENOXYETHANOL", "122-99-6", 0.9),
    ("ETHYLHEXYLGLYCERIN", "70445-33-9", 0.1),
    ("LINALOOL", "78-70-6", 0.05),
    ("LIMONENE", "5989-27-5", 0.05),
    ("MENTHOL", "89-78-1", 0.5),
    ("SALICYLIC ACID", "69-72-7", 0.5),
    ("ZINC OXIDE", "1314-13-2", 5.0),
    ("TITANIUM DIOXIDE", "13463-67-7", 3.0),
    ("TOCOPHEROL", "59-02-8", 0.5),
]


def _formula_40() -> list[FormulaLine]:
    lines = [FormulaLine(inci=n, cas=c, concentration_pct=p) for n, c, p in FORMULA]
    for i in range(40 - len(lines)):
        lines.append(FormulaLine(inci=f"PLANT EXTRACT {i}", concentration_pct=0.1))
    return lines


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _load(settings: Settings, shared: Path) -> tuple[int, RuleIndex]:
    annexes = sorted((shared / "cosing").glob("COSING_Annex_*"))
    entries = [e for path in annexes for e in parse_annex_file(path)]
    engine = owner_engine(settings)
    try:
        async with AsyncSession(engine) as session, session.begin():
            await sync_entries(session, entries, source=SyncSource.COSING)
            inventory = shared / "cosing" / "cosing_inventory_simplified.csv"
            report = await import_ingredients(session, records_from_inventory(inventory))
            await analyze_reference_tables(session)
    finally:
        await engine.dispose()
    return report.total, RuleIndex.build(entries)


async def main(settings: Settings, shared: Path, repeat: int) -> None:
    rows, index = await _load(settings, shared)
    db = Database.connect(settings)
    print(f"ingredient master: {rows} rows; regulated entries: {len(index.entries)}")
    print(f"{'search kind':<20} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    try:
        async with db.tenant(None) as session:
            for kind, queries in QUERIES.items():
                timings = []
                for _ in range(max(1, repeat // len(queries))):
                    for q in queries:
                        started = time.perf_counter()
                        await search_ingredients(session, q, limit=20)
                        timings.append((time.perf_counter() - started) * 1000)
                print(
                    f"{kind:<20} {statistics.median(timings):>8.2f} {_pct(timings, 0.99):>8.2f}"
                    f" {max(timings):>8.2f}"
                )
    finally:
        await db.dispose()
    median_ms = time_check_formula(index, _formula_40(), "leave_on", "face", repeat)
    print(f"check_formula, 40 ingredients, all annexes: median {median_ms:.2f} ms ({repeat} runs)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", dest="data_root", type=Path, default=data.DATA_DIR, help="holds cosing/*"
    )
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    bench_settings = resolve_servers(Settings(log_level="WARNING"))
    configure_logging("WARNING")
    migrate_database(bench_settings)  # synchronous (Alembic): before the event loop starts
    asyncio.run(main(bench_settings, args.data_root, args.repeat))
