"""Pick the lint locale from an Accept-Language header (zh-TW unless English is preferred)."""

from app.engines.compliance.data import Locale


def pick_locale(header: str | None) -> Locale:
    """The best supported locale: 'en' only when an English tag outranks every Chinese one."""
    best: tuple[float, Locale] | None = None
    for part in (header or "").split(","):
        tag, _, params = part.strip().partition(";")
        tag = tag.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        locale: Locale | None = "en" if tag.split("-")[0] == "en" else None
        if tag.split("-")[0] == "zh":
            locale = "zh-TW"
        if locale is None or quality <= 0:
            continue
        # earlier entries win ties (RFC 9110 leaves ties to the server)
        if best is None or quality > best[0]:
            best = (quality, locale)
    return best[1] if best else "zh-TW"
