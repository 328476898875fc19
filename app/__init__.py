"""PIF AI backend.

Two libraries every process imports load rich (and pygments) for something a server never shows:
structlog to pretty-print tracebacks in its console renderer, httpx for its command-line client
(`httpx.main`). Together that is ~5 MiB resident, so both are first imported here with rich and
pygments hidden (issue 18: idle RSS). structlog's console renderer then prints plain tracebacks;
the CLI still imports rich itself where it draws progress and tables.
"""

import importlib
import sys

_HIDDEN = ("rich", "pygments")


def _import_without_rich(*names: str) -> None:
    pending = [name for name in names if name not in sys.modules]
    if not pending:
        return
    saved = {name: sys.modules.get(name) for name in _HIDDEN}
    for name in _HIDDEN:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
    try:
        for name in pending:
            importlib.import_module(name)
    finally:
        for name, module in saved.items():
            if module is None:
                del sys.modules[name]
            else:
                sys.modules[name] = module


_import_without_rich("structlog", "httpx")
