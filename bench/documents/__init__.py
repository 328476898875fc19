"""Regulatory PDF benchmark (issue 16)."""
