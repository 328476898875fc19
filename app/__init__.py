"""PIF AI backend.

Libraries every process imports load something a server never uses (issue 18: idle RSS), so they
are first imported here with those dependencies hidden:

- structlog loads rich (and pygments) to pretty-print tracebacks in its console renderer, httpx
  for its command-line client (`httpx.main`): ~5 MiB. structlog's console renderer then prints
  plain tracebacks; the CLI still imports rich itself where it draws progress and tables.
- FastAPI imports `pydantic.v1` (the whole v1 package, ~1.5 MiB) only to refuse v1 models while
  it builds routes; no installed package uses v1, so it is kept unavailable and FastAPI's checks
  answer "not a v1 model".
- PyJWT imports cryptography's RSA/EC/serialization at `import jwt` (~10 MiB with its Rust
  binding) though every request only checks HS256 (hmac, standard library). Google sign-in's RS256
  calls `jwt_with_crypto()` first, which loads them then.
"""

import importlib
import sys

# PyJWT's modules that test for cryptography at import time, in dependency order
_JWT_CRYPTO_MODULES = ("jwt.utils", "jwt.algorithms", "jwt.api_jwk", "jwt.api_jws", "jwt.api_jwt")


def import_hiding(hidden: tuple[str, ...], *names: str) -> None:
    """Import `names` with the modules in `hidden` unavailable (each import of them fails)."""
    pending = [name for name in names if name not in sys.modules]
    if not pending:
        return
    saved = {name: sys.modules.get(name) for name in hidden}
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # import raises ModuleNotFoundError
    try:
        for name in pending:
            importlib.import_module(name)
    finally:
        for name, module in saved.items():
            if module is None:
                del sys.modules[name]
            else:
                sys.modules[name] = module


def jwt_with_crypto() -> None:
    """Give PyJWT its cryptography-backed algorithms (RS256 and others) if it was loaded without.

    Re-executes PyJWT's modules that chose at import time (`has_crypto`); `jwt.exceptions` is not
    reloaded, so `except jwt.InvalidTokenError` keeps catching what either generation raises.
    """
    import jwt.algorithms

    if jwt.algorithms.has_crypto:
        return
    for name in (*_JWT_CRYPTO_MODULES, "jwt.jwks_client", "jwt"):
        importlib.reload(sys.modules[name])


import_hiding(("rich", "pygments"), "structlog", "httpx")
if "cryptography.hazmat" not in sys.modules:  # a process that already paid for it keeps it whole
    import_hiding(("cryptography",), "jwt")
if "pydantic.v1" not in sys.modules:
    sys.modules["pydantic.v1"] = None  # type: ignore[assignment]  # importing it raises ImportError
