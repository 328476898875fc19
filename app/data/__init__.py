"""Versioned reference data files (CSV) shipped with the application."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
