"""Errors raised by the formula extraction engine."""


class ExtractionError(Exception):
    """The file cannot be turned into a formula; ``reason`` is safe to show to the user."""

    def __init__(self, reason: str) -> None:
        """Store the human-readable reason."""
        super().__init__(reason)
        self.reason = reason


class TooManyLines(Exception):
    """The file yields ``count`` ingredient lines, more than the caller's cap.

    Raised as soon as the count is exact, before the dictionary matches the lines."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} ingredient lines")
        self.count = count
