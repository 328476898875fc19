"""Regulatory context: stored rule lists, their cached index, formula checks on the database."""

from app.services.regulatory.store import RuleIndexCache, SyncResult, sync_entries

__all__ = ["RuleIndexCache", "SyncResult", "sync_entries"]
