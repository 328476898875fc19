"""PIF versions (spec 05 §3–4): canonical form, fingerprints, labels, change detection, expiry."""

from app.engines.versions.canonical import canonical_json, sha256_hex, signature_hash
from app.engines.versions.changes import ChangeReport, detect_changes
from app.engines.versions.expiry import ExpiryEntry, ExpiryStatus, SeriousEvent, expiry_entries
from app.engines.versions.fingerprints import (
    Fingerprints,
    FormulaLineKey,
    PackagingKey,
    ProcessKey,
    fingerprints,
    formula_fingerprint,
    packaging_fingerprint,
    process_fingerprint,
)
from app.engines.versions.labels import next_signed_label, suggested_next_label
from app.engines.versions.snapshot import FINGERPRINTS_KEY, normalised, snapshot_fingerprints

__all__ = [
    "FINGERPRINTS_KEY",
    "ChangeReport",
    "ExpiryEntry",
    "ExpiryStatus",
    "Fingerprints",
    "FormulaLineKey",
    "PackagingKey",
    "ProcessKey",
    "SeriousEvent",
    "canonical_json",
    "detect_changes",
    "expiry_entries",
    "fingerprints",
    "formula_fingerprint",
    "next_signed_label",
    "normalised",
    "packaging_fingerprint",
    "process_fingerprint",
    "sha256_hex",
    "signature_hash",
    "snapshot_fingerprints",
    "suggested_next_label",
]
