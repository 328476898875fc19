"""App-layer AES-256-GCM for formula-class files: a random data key per file, wrapped by the KEK.

Blob layout (spec 02 §6): version (1 byte) || nonce (12) || ciphertext || tag (16).
The wrapped data key (nonce || encrypted key || tag) and the KEK's id are stored on the file row,
so the KEK can rotate: re-wrap the data keys, no need to re-encrypt the files.
"""

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass

from app.core.config import Settings

# cryptography (~8 MiB resident) loads with the first file encrypted or read, not with the app
# (issue 18): the KEK itself is plain bytes.

BLOB_VERSION = 1
_NONCE = 12
_BLOB_AAD = b"pifai-file-v1"
_KEY_AAD = b"pifai-dek-v1"


class DecryptionError(Exception):
    """The blob or its wrapped key failed authentication (tampered, or wrong key)."""


@dataclass(frozen=True)
class KeyEncryptionKey:
    key: bytes
    key_id: str

    @classmethod
    def parse(cls, raw: str) -> "KeyEncryptionKey":
        """Accept 64 hex characters or base64 of 32 bytes."""
        raw = raw.strip()
        try:
            key = bytes.fromhex(raw) if len(raw) == 64 else base64.urlsafe_b64decode(raw)
        except (ValueError, binascii.Error) as exc:
            raise ValueError("FILE_ENCRYPTION_KEY must be 32 bytes (hex or base64)") from exc
        if len(key) != 32:
            raise ValueError("FILE_ENCRYPTION_KEY must be 32 bytes (hex or base64)")
        return cls(key, hashlib.sha256(key).hexdigest()[:16])


@dataclass(frozen=True)
class EncryptedFile:
    blob: bytes
    wrapped_key: bytes
    key_id: str
    version: int = BLOB_VERSION


def encrypt_file(plaintext: bytes, kek: KeyEncryptionKey) -> EncryptedFile:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(_NONCE)
    blob = bytes([BLOB_VERSION]) + nonce + AESGCM(data_key).encrypt(nonce, plaintext, _BLOB_AAD)
    key_nonce = os.urandom(_NONCE)
    wrapped = key_nonce + AESGCM(kek.key).encrypt(key_nonce, data_key, _KEY_AAD)
    return EncryptedFile(blob=blob, wrapped_key=wrapped, key_id=kek.key_id)


def decrypt_file(blob: bytes, wrapped_key: bytes, kek: KeyEncryptionKey) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not blob or blob[0] != BLOB_VERSION:
        raise DecryptionError("unknown blob version")
    try:
        data_key = AESGCM(kek.key).decrypt(wrapped_key[:_NONCE], wrapped_key[_NONCE:], _KEY_AAD)
        return AESGCM(data_key).decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], _BLOB_AAD)
    except InvalidTag as exc:
        raise DecryptionError("authentication failed") from exc


def kek_for(settings: Settings) -> KeyEncryptionKey:
    """FILE_ENCRYPTION_KEY; outside production a key generated once and kept in the data dir."""
    if settings.file_encryption_key is not None:
        return KeyEncryptionKey.parse(settings.file_encryption_key.get_secret_value())
    if settings.is_production:
        raise RuntimeError("FILE_ENCRYPTION_KEY must be set in production")
    path = settings.data_dir / "file-encryption.key"
    if not path.exists():
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(os.urandom(32).hex())
    return KeyEncryptionKey.parse(path.read_text())
