"""First start: load the reference snapshot shipped in app/data when its tables are empty.

Runs after `alembic upgrade` (`pifai migrate` / `pifai serve`). Each regulatory list is loaded
through the same importer as `pifai sync` (one chemical_sync_runs row per list), so importing
the shipped files again later reports an empty diff. A list that already has rows is never
touched: newer exports arrive through `pifai sync`. A second start costs one query.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import exists, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app import data
from app.core.database import analyze_reference_tables
from app.engines.regulatory import RegulatedEntry, parse_annex_file, parse_tw_file
from app.models import ChemicalSyncRun, Ingredient, RegulatedSubstance
from app.models.enums import SyncRunStatus, SyncSource
from app.services.formulation import (
    import_ingredients,
    records_from_inventory,
    records_from_starter,
)
from app.services.regulatory import sync_entries
from app.services.toxicology import curated_is_current, load_curated_anchors

INVENTORY_FILE = "cosing/cosing_inventory_simplified.csv"
# one process loads at a time (`serve` on two hosts against one database)
_LOCK_KEY = 0x70696661_6931  # "pifai1"


@dataclass(frozen=True)
class ShippedList:
    """One regulatory list file of the snapshot and the list it must fill."""

    source: SyncSource
    file: str  # relative to app/data
    jurisdiction: str
    list_type: str
    parse: Callable[[Path], list[RegulatedEntry]]


SHIPPED_LISTS: tuple[ShippedList, ...] = (
    *(
        ShippedList(
            SyncSource.COSING, f"cosing/COSING_Annex_{annex}_v2.txt", "EU", lt, parse_annex_file
        )
        for annex, lt in (
            ("II", "prohibited"),
            ("III", "restricted"),
            ("IV", "colorant"),
            ("V", "preservative"),
            ("VI", "uv_filter"),
        )
    ),
    *(
        ShippedList(SyncSource.TFDA, f"tfda/{lt}.csv", "TW", lt, parse_tw_file)
        for lt in ("prohibited", "restricted", "preservative", "colorant", "uv_filter")
    ),
)


@dataclass(frozen=True)
class LoadedList:
    file: str
    entries: int
    run_id: str


@dataclass(frozen=True)
class BootstrapReport:
    """What the first-start load did (empty on every later start)."""

    lists: tuple[LoadedList, ...] = ()
    ingredients_added: int = 0
    anchors_loaded: int = 0

    @property
    def loaded_anything(self) -> bool:
        return bool(self.lists or self.ingredients_added or self.anchors_loaded)


async def _missing(session: AsyncSession) -> tuple[list[ShippedList], bool, bool]:
    """Shipped lists with no rows yet, whether the ingredient master is empty and whether the
    curated tox anchors of the shipped file version are missing (one query)."""
    probes = [
        exists().where(
            RegulatedSubstance.jurisdiction == item.jurisdiction,
            RegulatedSubstance.list_type == item.list_type,
        )
        for item in SHIPPED_LISTS
    ]
    row = (
        await session.execute(
            select(exists().select_from(Ingredient), curated_is_current(), *probes)
        )
    ).one()
    has_ingredients, anchors_current, *present = row
    missing = [item for item, here in zip(SHIPPED_LISTS, present, strict=True) if not here]
    return missing, not has_ingredients, not anchors_current


async def _load_list(session: AsyncSession, item: ShippedList) -> LoadedList:
    entries = item.parse(data.path(item.file))
    wrong = {(e.jurisdiction, e.list_type) for e in entries} - {(item.jurisdiction, item.list_type)}
    if wrong or not entries:  # a mislabelled file must not replace another list
        raise ValueError(f"app/data/{item.file}: expected {item.jurisdiction}:{item.list_type}")
    result = await sync_entries(session, entries, source=item.source)
    run = await session.get(ChemicalSyncRun, result.run_id)
    if run is not None:
        run.detail = f"shipped snapshot app/data/{item.file} (first start)"
    return LoadedList(item.file, len(entries), str(result.run_id))


async def _gin_indexes(session: AsyncSession, table: str) -> list[str]:
    rows = await session.execute(
        text(
            "SELECT indexname FROM pg_indexes WHERE tablename = :t AND indexdef LIKE '%USING gin%'"
        ),
        {"t": table},
    )
    return list(rows.scalars())


async def _load_ingredients(session: AsyncSession) -> int:
    """The starter dictionary, then the CosIng inventory (the order `pifai sync` documents)."""
    started = datetime.now(UTC)
    # ~29k rows into an empty table: fill the GIN pending lists, then merge them in bulk (about
    # half the time of per-row GIN inserts); the indexes end as the migration defines them.
    indexes = await _gin_indexes(session, "ingredients")
    for name in indexes:
        await session.execute(text(f'ALTER INDEX "{name}" SET (fastupdate = on)'))
    starter = await import_ingredients(session, records_from_starter())
    inventory = await import_ingredients(session, records_from_inventory(data.path(INVENTORY_FILE)))
    for name in indexes:
        await session.execute(
            text("SELECT gin_clean_pending_list(CAST(:i AS regclass))"), {"i": name}
        )
        await session.execute(text(f'ALTER INDEX "{name}" SET (fastupdate = off)'))
    session.add(
        ChemicalSyncRun(
            source=SyncSource.COSING_INVENTORY.value,
            status=SyncRunStatus.DONE.value,
            started_at=started,
            finished_at=datetime.now(UTC),
            added=starter.added + inventory.added,
            changed=inventory.changed,
            unchanged=inventory.unchanged,
            detail=f"shipped snapshot: starter dictionary + app/data/{INVENTORY_FILE} "
            "(first start)",
        )
    )
    return starter.added + inventory.added


async def load_shipped_reference_data(session: AsyncSession) -> BootstrapReport:
    """Fill every empty reference table from the snapshot, in the caller's transaction."""
    lists, no_ingredients, no_anchors = await _missing(session)
    if not lists and not no_ingredients and not no_anchors:
        return BootstrapReport()
    await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    # another process may have just loaded them
    lists, no_ingredients, no_anchors = await _missing(session)
    loaded: Sequence[LoadedList] = [await _load_list(session, item) for item in lists]
    added = await _load_ingredients(session) if no_ingredients else 0
    anchors = await load_curated_anchors(session) if no_anchors else 0
    if loaded or added:
        await analyze_reference_tables(session)
    return BootstrapReport(tuple(loaded), added, anchors)
