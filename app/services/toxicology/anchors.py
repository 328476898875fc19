"""tox_anchors: cited points of departure by CAS (curated file, resolved, re-grounded).

The curated rows come from the dated file `app/data/safety/anchors.json` (loaded into the table
on first start by the owner); re-grounded rows are written by the worker from EPA ToxValDB
answers (the app role may write only non-curated rows: RLS). The engine reads both.
"""

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.data import DATA_DIR
from app.engines.safety import Analogue, Anchor
from app.engines.safety.registry import CEILING_EPA_NOAEL
from app.integrations.toxicology import SourceResult, SourceStatus
from app.models import ToxAnchor

ANCHORS_PATH = DATA_DIR / "safety" / "anchors.json"
REGROUNDED_SOURCE = "EPA ToxValDB"
_POINT_QUALIFIERS = (None, "=", "==")
_UNITS = ("mg/kgbw/day", "mg/kg-day", "mg/kg/day")


@cache
def curated_file() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(ANCHORS_PATH.read_text(encoding="utf-8"))
    return data


def curated_file_version() -> str:
    return str(curated_file()["version"])


def curated_is_current() -> Any:
    """SQL predicate: the curated rows of the shipped file version are loaded."""
    return exists().where(
        ToxAnchor.tier == "curated",
        ToxAnchor.identifiers["file_version"].astext == curated_file_version(),
    )


def _anchor(entry: dict[str, Any]) -> Anchor:
    return Anchor(
        cas=entry["cas"],
        name=entry["name"],
        noael=float(entry["noael"]),
        source=entry["source"],
        citation=entry["citation"],
        smiles=entry.get("smiles"),
        tier="curated",
        dap_pct=float(entry["dap_pct"]) if entry.get("dap_pct") is not None else None,
    )


@cache
def curated_anchors() -> tuple[tuple[Anchor, ...], tuple[Analogue, ...]]:
    """The shipped curated anchors and tier-1 analogue pairings (plain engine values)."""
    data = curated_file()
    anchors = tuple(_anchor(a) for a in data["anchors"])
    analogues = tuple(
        Analogue(a["target_cas"], _anchor(a["anchor"]), a["justification"])
        for a in data["analogues"]
    )
    return anchors, analogues


def _from_row(row: ToxAnchor) -> Anchor:
    tier = row.tier if row.tier in ("curated", "resolved", "regrounded") else "regrounded"
    return Anchor(
        cas=row.cas,
        name=row.name,
        noael=float(row.pod_value),
        source=row.source,
        citation=row.citation,
        smiles=row.smiles,
        tier=tier,  # type: ignore[arg-type]
        dap_pct=float(row.dap_pct) if row.dap_pct is not None else None,
    )


async def load_anchors(session: AsyncSession) -> tuple[tuple[Anchor, ...], tuple[Analogue, ...]]:
    """Every stored anchor plus the shipped file's (a database without the first-start load
    still sees the curated values); one row per (CAS, tier, source)."""
    curated, analogues = curated_anchors()
    rows = (await session.execute(select(ToxAnchor))).scalars().all()
    merged: dict[tuple[str | None, str, str], Anchor] = {
        (a.cas, a.tier, a.source): a for a in curated
    }
    for row in rows:
        merged.setdefault((row.cas, row.tier, row.source), _from_row(row))
    return tuple(merged.values()), analogues


async def load_curated(session: AsyncSession) -> int:
    """Upsert the shipped curated rows (owner role, first start and `pifai migrate`)."""
    data = curated_file()
    # rows the file no longer lists (a value withdrawn from a revised opinion) go too
    listed = {(e["cas"], e["source"]) for e in data["anchors"]}
    stored = await session.execute(
        select(ToxAnchor.id, ToxAnchor.cas, ToxAnchor.source).where(ToxAnchor.tier == "curated")
    )
    for row_id, cas, source in stored.all():
        if (cas, source) not in listed:
            await session.execute(delete(ToxAnchor).where(ToxAnchor.id == row_id))
    for entry in data["anchors"]:
        values = {
            "cas": entry["cas"],
            "name": entry["name"],
            "tier": "curated",
            "pod_type": entry.get("pod_type", "NOAEL"),
            "pod_value": Decimal(str(entry["noael"])),
            "pod_unit": entry.get("unit", "mg/kg bw/day"),
            "dap_pct": Decimal(str(entry["dap_pct"])) if entry.get("dap_pct") else None,
            "smiles": entry.get("smiles"),
            "source": entry["source"],
            "citation": entry["citation"],
            "source_text": entry.get("source_text"),
            "source_url": entry.get("source_url"),
            "identifiers": {"file_version": data["version"]},
            "data_date": date.fromisoformat(entry.get("retrieved") or data["date"]),
        }
        stmt = insert(ToxAnchor).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["cas", "tier", "source"],
            set_={k: stmt.excluded[k] for k in values if k not in ("cas", "tier", "source")},
        )
        await session.execute(stmt)
    return len(data["anchors"])


def regrounded_value(result: SourceResult) -> tuple[float, str, dict[str, str]] | None:
    """The most conservative point NOAEL/NOEL (mg/kg bw/day, within the EPA ceiling) of a
    CompTox answer, with the ToxValDB record's own source, or None."""
    if result.source != "comptox" or result.status is not SourceStatus.OK:
        return None
    found = [
        e
        for e in result.endpoints
        if e.name.lower() in ("noael", "noel")
        and e.value is not None
        and e.qualifier in _POINT_QUALIFIERS
        and (e.unit or "").replace(" ", "").lower() in _UNITS
        and 0 < e.value <= CEILING_EPA_NOAEL
    ]
    if not found:
        return None
    best = min(found, key=lambda e: e.value or 0.0)
    assert best.value is not None
    return best.value, best.source, dict(result.identifiers)


async def store_regrounded(
    session: AsyncSession, *, cas: str, name: str, result: SourceResult
) -> Anchor | None:
    """Back-fill: keep a ToxValDB value as a re-grounded anchor for this CAS (tier 0.5)."""
    value = regrounded_value(result)
    if value is None:
        return None
    number, record_source, identifiers = value
    dtxsid = identifiers.get("dtxsid", "?")
    values = {
        "cas": cas,
        "name": name,
        "tier": "regrounded",
        "pod_type": "NOAEL",
        "pod_value": Decimal(repr(number)),
        "pod_unit": "mg/kg bw/day",
        "source": REGROUNDED_SOURCE,
        "citation": f"{record_source}; CAS {cas}, {dtxsid}",
        "source_url": f"https://comptox.epa.gov/dashboard/chemical/hazard/{dtxsid}",
        "identifiers": identifiers,
        "data_date": datetime.now(UTC).date(),
    }
    stmt = insert(ToxAnchor).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["cas", "tier", "source"],
        set_={k: stmt.excluded[k] for k in values if k not in ("cas", "tier", "source")},
    )
    await session.execute(stmt)
    return Anchor(
        cas=cas,
        name=name,
        noael=number,
        source=REGROUNDED_SOURCE,
        citation=str(values["citation"]),
        tier="regrounded",
    )


def has_authority_value(cas: str | None, anchors: Sequence[Anchor]) -> bool:
    """A curated (opinion) value exists for this CAS: no ToxValDB back-fill is needed."""
    return bool(cas) and any(a.cas == cas and a.tier == "curated" for a in anchors)
