"""Regulatory context: stored rule lists, their cached index, formula checks on the database."""
