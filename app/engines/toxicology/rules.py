"""Constants of the toxicology safety rules (spec 04 §6, spec 06 §2, spec 03 §10)."""

from __future__ import annotations

from app.engines.toxicology.records import NO_DATA_NOTE

__all__ = [
    "AI_NOAEL_CEILING",
    "FORBIDDEN_PHRASES",
    "NO_DATA_NOTE",
    "SOURCE_NOAEL_CEILING",
    "SOURCE_UNAVAILABLE",
]

SOURCE_UNAVAILABLE = "[source temporarily unavailable]"
# Plausibility ceilings in mg/kg bw/day (spec 06 §2): an AI-derived NOAEL above 2000 is
# discarded; values reported by a source (EPA ToxValDB) are accepted up to 10000 because
# limit-dose studies legitimately report high values.
AI_NOAEL_CEILING = 2000.0
SOURCE_NOAEL_CEILING = 10000.0
# Conservative tone (spec 04 §6): a summary containing any of these is rejected, whoever wrote it.
FORBIDDEN_PHRASES: tuple[str, ...] = (
    "absolutely safe",
    "no risk at all",
    "100% safe",
    "completely safe",
    "zero risk",
    "完全無害",
    "絕對安全",
    "完全无害",
    "绝对安全",
)
