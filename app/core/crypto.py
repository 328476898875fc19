"""Fernet helpers for secret DB fields (users.totp_secret, organizations.api_keys)."""

import json
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.core.config import AppEnv, Settings

if TYPE_CHECKING:
    from cryptography.fernet import Fernet, InvalidToken

# cryptography (~8 MiB resident) loads on the first encrypted field, not with the app (issue 18)

DEV_KEY_FILE = "fernet.key"

__all__ = [
    "InvalidToken",
    "decrypt_json",
    "decrypt_str",
    "encrypt_json",
    "encrypt_str",
    "fernet_for",
    "is_fernet_token",
]


def _dev_key(data_dir: Path) -> bytes:
    """Development only: a key generated on first run and kept in the data dir."""
    path = data_dir / DEV_KEY_FILE
    if path.exists():
        return path.read_bytes().strip()
    from cryptography.fernet import Fernet

    data_dir.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


@lru_cache(maxsize=8)
def _fernet(key: bytes) -> "Fernet":
    from cryptography.fernet import Fernet

    return Fernet(key)


def fernet_for(settings: Settings) -> "Fernet":
    """FERNET_KEY, or in development a persisted local key if unset (never in production)."""
    if settings.fernet_key is not None:
        return _fernet(settings.fernet_key.get_secret_value().encode())
    if settings.app_env is AppEnv.PRODUCTION:
        raise RuntimeError("FERNET_KEY must be set in production")
    return _fernet(_dev_key(settings.data_dir))


def encrypt_str(settings: Settings, plaintext: str) -> str:
    return fernet_for(settings).encrypt(plaintext.encode()).decode()


def decrypt_str(settings: Settings, token: str) -> str:
    """Raise InvalidToken if the value was not encrypted with this key."""
    return fernet_for(settings).decrypt(token.encode()).decode()


def encrypt_json(settings: Settings, value: Any) -> str:
    return encrypt_str(settings, json.dumps(value, sort_keys=True, separators=(",", ":")))


def decrypt_json(settings: Settings, token: str | None) -> Any:
    return None if not token else json.loads(decrypt_str(settings, token))


def __getattr__(name: str) -> Any:
    if name == "InvalidToken":  # re-exported: cryptography's, loaded when asked for
        from cryptography.fernet import InvalidToken

        return InvalidToken
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def is_fernet_token(value: str) -> bool:
    """Shape check only (version byte 0x80 → base64 'gAAAAA'), for tests and audits."""
    return value.startswith("gAAAAA")
