"""Regulatory context: stored rule lists, their cached index, formula checks on the database."""

from app.services.regulatory.store import CheckerCache, RuleIndexCache, SyncResult, sync_entries

__all__ = ["CheckerCache", "RuleIndexCache", "SyncResult", "sync_entries"]
