"""Errors raised by the formula extraction engine."""


class ExtractionError(Exception):
    """The file cannot be turned into a formula; ``reason`` is safe to show to the user."""

    def __init__(self, reason: str) -> None:
        """Store the human-readable reason."""
        super().__init__(reason)
        self.reason = reason
