"""Substance identity: the one CAS number normaliser and the one INCI/chemical name normaliser."""

from app.engines.substance.aliases import (
    NameAlias,
    alternative_cas,
    lookup_zh_name,
    zh_key,
)
from app.engines.substance.cas import (
    cas_check_digit,
    clean_cas_text,
    first_valid_cas,
    is_valid_cas,
    normalize_cas,
    split_cas_cell,
    valid_cas_numbers,
)
from app.engines.substance.names import compact_name, normalize_name

__all__ = [
    "NameAlias",
    "alternative_cas",
    "cas_check_digit",
    "clean_cas_text",
    "compact_name",
    "first_valid_cas",
    "is_valid_cas",
    "lookup_zh_name",
    "normalize_cas",
    "normalize_name",
    "split_cas_cell",
    "valid_cas_numbers",
    "zh_key",
]
