"""Bounds shared by every list endpoint (spec 03: limit default 20, max 100)."""

# An offset past this is no page anyone reads; unbounded ints overflow PostgreSQL's bigint (500).
MAX_OFFSET = 1_000_000
