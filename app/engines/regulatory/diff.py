"""Differences between two versions of regulatory lists, by entry identity and content."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from app.engines.regulatory.models import RegulatedEntry

__all__ = ["EntryDiff", "diff_entries", "entry_keys"]

EntryKey = tuple[str, str, str, int]


@dataclass(frozen=True, slots=True)
class EntryDiff:
    """Entries added, changed (old, new) and removed between two list versions."""

    added: tuple[RegulatedEntry, ...] = ()
    changed: tuple[tuple[RegulatedEntry, RegulatedEntry], ...] = ()
    removed: tuple[RegulatedEntry, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when both versions hold the same entries."""
        return not (self.added or self.changed or self.removed)


def entry_keys(entries: Iterable[RegulatedEntry]) -> dict[EntryKey, RegulatedEntry]:
    """Entries keyed by (jurisdiction, list_type, ref_no, occurrence).

    The occurrence number exists because real exports repeat reference numbers for
    different substances (CosIng 2025: Annex II "38", Annex III "9", "16", "196" ...);
    the n-th row with a given reference is compared with the n-th row of the other version.
    """
    keyed: dict[EntryKey, RegulatedEntry] = {}
    counts: dict[tuple[str, str, str], int] = {}
    for entry in entries:
        base = entry.key
        counts[base] = counts.get(base, 0) + 1
        keyed[(*base, counts[base])] = entry
    return keyed


def diff_entries(old: Iterable[RegulatedEntry], new: Iterable[RegulatedEntry]) -> EntryDiff:
    """Compare two list versions using content hashes; empty when identical."""
    before = entry_keys(old)
    after = entry_keys(new)
    added = tuple(e for k, e in after.items() if k not in before)
    removed = tuple(e for k, e in before.items() if k not in after)
    changed = tuple(
        (before[k], e)
        for k, e in after.items()
        if k in before and before[k].content_hash() != e.content_hash()
    )
    return EntryDiff(added=added, changed=changed, removed=removed)
