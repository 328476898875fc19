"""Documents context: the regulatory PDF."""
