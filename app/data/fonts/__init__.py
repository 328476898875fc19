"""Shipped fonts (OFL): see OFL.txt and tools/subset_font.py."""
