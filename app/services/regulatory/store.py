"""Database side of the regulatory lists: import with a stored diff, and the cached rule index."""

import asyncio
import gc
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Executable, ScalarSelect, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.versioned_cache import VersionedCache
from app.engines.regulatory.diff import entry_keys
from app.engines.regulatory.engine import Checker
from app.engines.regulatory.index import RuleIndex
from app.engines.regulatory.models import RegulatedEntry
from app.engines.regulatory.serialize import entry_from_json, entry_to_json
from app.engines.regulatory.substances import MasterRecord, SubstanceMaster, normalize_cas_all
from app.engines.substance import normalize_name
from app.models import (
    ChemicalSyncRun,
    Ingredient,
    ReferenceVersion,
    RegulatedSubstance,
    RegulatedSubstanceLimit,
)
from app.models.enums import SyncRunStatus, SyncSource

DIFF_SAMPLE = 200  # refs listed per category in the stored diff


@dataclass(frozen=True)
class SyncResult:
    run_id: uuid.UUID
    added: int
    changed: int
    removed: int
    unchanged: int

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def _row_values(entry: RegulatedEntry, occurrence: int, run_id: uuid.UUID) -> dict[str, Any]:
    return {
        "jurisdiction": entry.jurisdiction,
        "list_type": entry.list_type,
        "annex": entry.annex or None,
        "ref_no": entry.ref_no,
        "occurrence": occurrence,
        "chemical_name": entry.chemical_name or None,
        "inci_name": entry.inci_name or None,
        "name_normalized": normalize_name(entry.inci_name or entry.chemical_name) or None,
        "cas_numbers": list(entry.cas_numbers),
        "ec_numbers": list(entry.ec_numbers),
        "product_type_text": entry.product_type_text or None,
        "max_text": entry.max_text or None,
        "other_text": entry.other_text or None,
        "warnings_text": entry.warnings_text or None,
        "cmr_text": entry.cmr_text or None,
        "regulation": entry.regulation or None,
        "sccs_opinions": entry.sccs_opinions or None,
        "max_concentration_pct": entry.max_concentration_pct,
        "disclosure_leave_on_pct": entry.disclosure_leave_on_pct,
        "disclosure_rinse_off_pct": entry.disclosure_rinse_off_pct,
        "is_group": entry.is_group,
        "group_terms": list(entry.group_terms),
        "citation": entry.citation,
        "updated_on": entry.updated_on,
        "content_hash": entry.content_hash(),
        "entry": entry_to_json(entry),
        "sync_run_id": run_id,
    }


async def _add_limits(
    session: AsyncSession, substance_id: uuid.UUID, entry: RegulatedEntry
) -> None:
    session.add_all(
        RegulatedSubstanceLimit(
            substance_id=substance_id,
            category_label=limit.category_label,
            product_type_text=limit.product_type_text,
            scopes=sorted(limit.scopes),
            max_pct=limit.max_pct,
        )
        for limit in entry.limits
    )


async def sync_entries(
    session: AsyncSession,
    entries: Sequence[RegulatedEntry],
    *,
    source: SyncSource,
    triggered_by: uuid.UUID | None = None,
) -> SyncResult:
    """Replace the lists these entries cover with them; record the diff as a sync run."""
    scopes = {(e.jurisdiction, e.list_type) for e in entries}
    run = ChemicalSyncRun(
        source=source.value,
        status=SyncRunStatus.RUNNING.value,
        started_at=datetime.now(UTC),
        triggered_by=triggered_by,
    )
    session.add(run)
    await session.flush()
    existing: dict[tuple[str, str, str, int], RegulatedSubstance] = {}
    for jurisdiction, list_type in scopes:
        rows = await session.execute(
            select(RegulatedSubstance).where(
                RegulatedSubstance.jurisdiction == jurisdiction,
                RegulatedSubstance.list_type == list_type,
            )
        )
        for row in rows.scalars():
            existing[(row.jurisdiction, row.list_type, row.ref_no, row.occurrence)] = row
    incoming = entry_keys(entries)
    added, changed, unchanged = [], [], 0
    for key, entry in incoming.items():
        current = existing.get(key)
        values = _row_values(entry, key[3], run.id)
        if current is None:
            substance = RegulatedSubstance(id=uuid.uuid4(), **values)  # id now: no flush per row
            session.add(substance)
            await _add_limits(session, substance.id, entry)
            added.append(entry.reference)
        elif current.content_hash != values["content_hash"]:
            for name, value in values.items():
                setattr(current, name, value)
            await session.execute(
                delete(RegulatedSubstanceLimit).where(
                    RegulatedSubstanceLimit.substance_id == current.id
                )
            )
            await _add_limits(session, current.id, entry)
            changed.append(entry.reference)
        else:
            unchanged += 1
    removed_rows = [row for key, row in existing.items() if key not in incoming]
    for row in removed_rows:
        await session.delete(row)
    run.status, run.finished_at = SyncRunStatus.DONE.value, datetime.now(UTC)
    run.added, run.changed, run.removed, run.unchanged = (
        len(added),
        len(changed),
        len(removed_rows),
        unchanged,
    )
    run.diff = {
        "added": added[:DIFF_SAMPLE],
        "changed": changed[:DIFF_SAMPLE],
        "removed": [f"{r.jurisdiction} {r.list_type}/{r.ref_no}" for r in removed_rows][
            :DIFF_SAMPLE
        ],
        "lists": sorted(f"{j}:{t}" for j, t in scopes),
    }
    await session.flush()
    return SyncResult(run.id, run.added, run.changed, run.removed, unchanged)


FETCH_SLICE = 1000  # rows per round trip when a cache reads a whole table (the loop gets control
# back between slices; `pifai serve` shares it with the API)


async def _sliced(session: AsyncSession, statement: Executable) -> list[Any]:
    rows: list[Any] = []
    with _no_cyclic_gc():
        result = await session.stream(statement.execution_options(yield_per=FETCH_SLICE))
        async for partition in result.partitions():
            rows.extend(partition)
    return rows


async def _entry_rows(session: AsyncSession) -> list[Any]:
    statement = select(RegulatedSubstance.entry).order_by(
        RegulatedSubstance.jurisdiction,
        RegulatedSubstance.list_type,
        RegulatedSubstance.ref_no,
        RegulatedSubstance.occurrence,
    )
    return [row[0] for row in await _sliced(session, statement)]


async def load_entries(session: AsyncSession) -> list[RegulatedEntry]:
    return [entry_from_json(data) for data in await _entry_rows(session)]


def _table_version(table: str) -> tuple[ScalarSelect[int], ScalarSelect[datetime]]:
    """The trigger-kept change counter of a reference table and its time (migration 0011): two
    primary-key reads, where counting the 28.7k master rows took 8-20 ms a request."""
    row = ReferenceVersion.name == table
    return (
        select(ReferenceVersion.version).where(row).scalar_subquery(),
        select(ReferenceVersion.changed_at).where(row).scalar_subquery(),
    )


class RuleIndexCache(VersionedCache[RuleIndex]):
    """One RuleIndex per process, rebuilt only when the lists change."""

    def __init__(self) -> None:
        super().__init__(
            select(*_table_version("regulated_substances")), _build_index, watched=True
        )


def _index_of(entry_rows: list[Any]) -> RuleIndex:
    """CPU only (parse + index ~2,400 entries): runs in a worker thread, off the event loop."""
    with _no_cyclic_gc():
        return RuleIndex.build([entry_from_json(data) for data in entry_rows])


async def _build_index(session: AsyncSession) -> RuleIndex:
    # The rows are read on the loop; the pure build runs in a thread so other requests go on.
    return await asyncio.to_thread(_index_of, await _entry_rows(session))


class CheckerCache(VersionedCache[Checker]):
    """The v2 formula checker (lists + ingredient master), rebuilt when either changes."""

    def __init__(self) -> None:
        version = select(*_table_version("regulated_substances"), *_table_version("ingredients"))
        super().__init__(version, _build_checker, watched=True)


async def _master_rows(session: AsyncSession) -> list[Any]:
    statement = select(
        Ingredient.inci_name,
        Ingredient.cas_number,
        Ingredient.cas_numbers,
        Ingredient.synonyms,
        Ingredient.zh_name,
        Ingredient.functions,
    )
    return await _sliced(session, statement)


def _master_of(master_rows: list[Any]) -> SubstanceMaster:
    records = []
    for inci, cas, cas_list, synonyms, zh, functions in master_rows:
        numbers = tuple(dict.fromkeys(c for c in (cas, *(cas_list or ())) if c))
        records.append(
            MasterRecord(
                inci=inci,
                cas=tuple(c for n in numbers for c in normalize_cas_all(n)),
                names=tuple(n for n in (*(synonyms or ()), zh) if n),
                functions=tuple(functions or ()),
            )
        )
    return SubstanceMaster.build(records)


_SHARED_CHECKER: CheckerCache | None = None
_SHARED_RULE_INDEX: RuleIndexCache | None = None


def shared_rule_index() -> RuleIndexCache:
    """The process's one rule-index cache (app state, lint, PDF and dossier renders share it)."""
    global _SHARED_RULE_INDEX
    if _SHARED_RULE_INDEX is None:
        _SHARED_RULE_INDEX = RuleIndexCache()
    return _SHARED_RULE_INDEX


def shared_checker() -> CheckerCache:
    """The process's one v2 checker cache: the route, the lint, the safety jobs and the tools
    share it (each used to build its own copy, tens of MiB each; issue 18)."""
    global _SHARED_CHECKER
    if _SHARED_CHECKER is None:
        _SHARED_CHECKER = CheckerCache()
    return _SHARED_CHECKER


async def load_master(session: AsyncSession) -> SubstanceMaster:
    """Ingredient master from the shared `ingredients` table (INCI, CAS, synonyms, zh names)."""
    return _master_of(await _master_rows(session))


def _checker_of(entry_rows: list[Any], master_rows: list[Any]) -> Checker:
    """CPU only (~0.6-1.9 s on the shared machine): runs in a worker thread, off the event loop."""
    with _no_cyclic_gc():
        return Checker.build(_index_of(entry_rows), _master_of(master_rows))


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The build makes ~10^5 long-lived acyclic objects: the collections they trigger would
    each stop every thread (the GIL) for 100+ ms and find nothing to free."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


async def _build_checker(session: AsyncSession) -> Checker:
    # Issue 18: this build held the event loop ~1.9 s on the first check-formula; now only the
    # two reads run on the loop and every other request is served while the thread builds.
    entry_rows = await _entry_rows(session)
    master_rows = await _master_rows(session)
    return await asyncio.to_thread(_checker_of, entry_rows, master_rows)
