"""Benchmark for the PIF Item 3 formula extraction engine."""
