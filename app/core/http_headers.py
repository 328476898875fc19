"""Response header helpers."""

import re
import unicodedata
from urllib.parse import quote


def content_disposition(
    filename: str, disposition: str = "attachment", *, ascii_fallback: str | None = None
) -> str:
    """RFC 6266/5987 dual form: a UTF-8 `filename*` plus a printable-ASCII `filename` fallback.

    `filename*` comes first: RFC 6266 lets either order stand, and parsers that keep the first
    value (Python's `email`) then decode the UTF-8 name exactly. `ascii_fallback` replaces the
    transliteration when the caller has a better ASCII name (it is cleaned the same way).
    """
    source = filename if ascii_fallback is None else ascii_fallback
    ascii_name = unicodedata.normalize("NFKD", source).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r'[^\x20-\x7e]|["\\]', "", ascii_name).strip() or "download"
    if ascii_name.startswith(".") or ascii_name.startswith("_"):
        ascii_name = "download" + ascii_name
    encoded = quote(filename, safe="")
    return f"{disposition}; filename*=UTF-8''{encoded}; filename=\"{ascii_name}\""
