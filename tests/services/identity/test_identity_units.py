"""Pure pieces of the identity context: TOTP window and replay, masking, plans, crypto."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest

from app.core.config import AppEnv, Settings
from app.core.crypto import decrypt_json, encrypt_json, fernet_for, is_fernet_token
from app.services.identity.api_keys import mask
from app.services.identity.limits import storage_uri
from app.services.identity.passwords import validate_password
from app.services.identity.plans import effective_plan
from app.services.identity.totp import match_step, recovery_code_hash

NOW = 1_800_000_000.0


def test_totp_accepts_one_step_either_side_and_never_an_older_step() -> None:
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    step = int(NOW // 30)
    for offset in (-1, 0, 1):
        code = totp.at(NOW + 30 * offset)
        assert match_step(secret, code, last_step=None, now=NOW) == step + offset
    assert match_step(secret, totp.at(NOW - 60), last_step=None, now=NOW) is None
    assert match_step(secret, totp.at(NOW), last_step=step, now=NOW) is None  # replay
    assert match_step(secret, "12345", last_step=None, now=NOW) is None


def test_recovery_codes_normalise() -> None:
    assert recovery_code_hash("ABCD1234-ef567890") == recovery_code_hash(" abcd1234ef567890 ")


@pytest.mark.parametrize(
    ("value", "expected"), [("sk-1234567890abcd", "abcd"), ("short", None), ("", None)]
)
def test_mask_shows_at_most_four(value: str, expected: str | None) -> None:
    assert mask(value) == expected


def test_beta_exemption_is_pro_until_it_ends() -> None:
    now = datetime.now(UTC)
    assert effective_plan("free", now + timedelta(days=1), now) == "pro"
    assert effective_plan("free", now - timedelta(days=1), now) == "free"
    assert effective_plan("enterprise", now + timedelta(days=1), now) == "enterprise"


def test_limits_storage_uri() -> None:
    assert storage_uri("unix:///tmp/r.sock?db=2") == "async+redis+unix:///tmp/r.sock?db=2"
    assert storage_uri("redis://h:6379/1") == "async+redis://h:6379/1"


def test_password_policy() -> None:
    validate_password("a-long-enough passphrase 42")
    with pytest.raises(Exception, match="Password rejected"):
        validate_password("qwerty123456")


def test_dev_fernet_key_is_persisted_but_never_in_production(tmp_path: Path) -> None:
    dev = Settings(app_env=AppEnv.DEVELOPMENT, data_dir=tmp_path, fernet_key=None)
    token = encrypt_json(dev, {"echa": "k"})
    assert is_fernet_token(token) and decrypt_json(dev, token) == {"echa": "k"}
    assert fernet_for(dev).decrypt(token.encode())
    prod = Settings.model_construct(app_env=AppEnv.PRODUCTION, fernet_key=None, data_dir=tmp_path)
    with pytest.raises(RuntimeError):
        fernet_for(prod)


def test_production_forces_verified_email() -> None:
    settings = Settings(
        app_env=AppEnv.PRODUCTION,
        secret_key="q3J0Yx8vN2kRw5LmT9bHc4ZpUe7AsDf1GhKj6XoVnBi0MlWy",
        fernet_key="x1DVKp5fcmFz7L3VqLkCX6eR2l1k0a3NR2Ozz9-bVzE=",
        file_encryption_key="00" * 32,
        database_url="postgresql://u@h/d",
        redis_url="redis://h/0",
        auth_require_verified_email=False,
    )
    assert settings.auth_require_verified_email is True
