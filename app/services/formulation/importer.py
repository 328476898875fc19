"""Idempotent import of ingredient rows into the shared master (re-import updates, never dupes)."""

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.engines.formula.inventory import parse_inventory
from app.engines.formula.starter import read_starter_rows
from app.engines.substance import normalize_name
from app.models import Ingredient

BATCH = 1000


@dataclass(frozen=True)
class IngredientRecord:
    inci_name: str
    cas_numbers: tuple[str, ...]
    ec_numbers: tuple[str, ...]
    functions: tuple[str, ...]
    source: str
    source_ref: str
    zh_name: str | None = None
    synonyms: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return normalize_name(self.inci_name)

    def content_hash(self) -> str:
        payload = [
            self.inci_name,
            self.cas_numbers,
            self.ec_numbers,
            self.functions,
            self.source,
            self.source_ref,
            self.zh_name,
            self.synonyms,
        ]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


@dataclass
class ImportReport:
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.changed + self.unchanged


def records_from_inventory(path: Path) -> Iterator[IngredientRecord]:
    """Rows of a CosIng inventory export (official or simplified layout)."""
    for row in parse_inventory(path):
        yield IngredientRecord(
            inci_name=row.inci_name,
            cas_numbers=row.cas_numbers,
            ec_numbers=row.ec_numbers,
            functions=row.functions,
            source="EU CosIng Inventory",
            source_ref=f"{path.name}"
            + (f" (COSING Ref {row.cosing_ref})" if row.cosing_ref else ""),
        )


def records_from_starter() -> Iterator[IngredientRecord]:
    """The built-in starter dictionary shipped in app/data (each row carries its source)."""
    for row in read_starter_rows():
        yield IngredientRecord(
            inci_name=row.inci_name,
            cas_numbers=tuple(c for c in row.cas_number.split("|") if c),
            ec_numbers=tuple(e for e in row.ec_number.split("|") if e),
            functions=tuple(f for f in row.functions.split("|") if f),
            source=row.source,
            source_ref=row.source_ref,
            zh_name=row.zh_name or None,
            synonyms=tuple(normalize_name(s) for s in row.synonyms.split("|") if s),
        )


def _merge(record: IngredientRecord, existing: Any, key: str) -> dict[str, object]:
    # an inventory re-import must not erase curated Chinese names and synonyms
    zh = record.zh_name or (existing.zh_name if existing else None)
    synonyms = sorted(set(record.synonyms) | set(existing.synonyms if existing else ()))
    merged = IngredientRecord(**{**record.__dict__, "zh_name": zh, "synonyms": tuple(synonyms)})
    return {
        "inci_name": merged.inci_name,
        "inci_name_normalized": key,
        "cas_number": merged.cas_numbers[0] if merged.cas_numbers else None,
        "cas_numbers": list(merged.cas_numbers),
        "ec_numbers": list(merged.ec_numbers),
        "functions": list(merged.functions),
        "zh_name": merged.zh_name,
        "synonyms": list(merged.synonyms),
        "source": merged.source,
        "source_ref": merged.source_ref,
        "content_hash": merged.content_hash(),
    }


async def import_ingredients(
    session: AsyncSession,
    records: Iterable[IngredientRecord],
    *,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Upsert by normalized INCI name; the report says what was added, changed or unchanged."""
    columns = (
        Ingredient.id,
        Ingredient.inci_name_normalized,
        Ingredient.content_hash,
        Ingredient.zh_name,
        Ingredient.synonyms,
    )
    existing = {row.inci_name_normalized: row for row in await session.execute(select(*columns))}
    report = ImportReport()
    latest: dict[str, IngredientRecord] = {}
    for record in records:
        key = record.key
        if not key:
            report.skipped.append(record.inci_name)
            continue
        latest[key] = record  # rows normalising to one name: the last one wins, every run
        if progress:
            progress(1)
    new_rows: list[dict[str, object]] = []
    for key, record in latest.items():
        current = existing.get(key)
        values = _merge(record, current, key)
        if current is None:
            report.added += 1
            new_rows.append(values)
        elif current.content_hash == values["content_hash"]:
            report.unchanged += 1
        else:
            report.changed += 1
            await session.execute(
                update(Ingredient).where(Ingredient.id == current.id).values(**values)
            )
    for start in range(0, len(new_rows), BATCH):
        stmt = insert(Ingredient).on_conflict_do_nothing(index_elements=["inci_name_normalized"])
        await session.execute(stmt, new_rows[start : start + BATCH])  # executemany
    return report
