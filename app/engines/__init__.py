"""Deterministic engines: plain data in, plain data out (no session, no HTTP, no services)."""
