"""Password policy and the constant-time path for unknown accounts."""

from functools import cache

from app.core.errors import Unprocessable
from app.core.security import hash_password, verify_password

MIN_LENGTH = 12
MAX_LENGTH = 128  # bcrypt reads 72 bytes; refuse absurd inputs early

# A small list of the most common passwords of length >= 12 (and their obvious stems).
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678910",
        "password1234",
        "password12345",
        "passwordpassword",
        "qwertyuiopas",
        "qwerty123456",
        "1q2w3e4r5t6y",
        "iloveyou1234",
        "abc123456789",
        "111111111111",
        "000000000000",
        "aaaaaaaaaaaa",
        "letmein12345",
        "welcome12345",
        "administrator",
        "changeme1234",
        "qwertyuiop123",
        "trustno1trustno1",
        "football1234",
        "baseball1234",
        "superman1234",
        "monkey123456",
        "dragon123456",
        "princess1234",
        "sunshine1234",
        "password!234",
        "p@ssw0rd1234",
        "passw0rd1234",
        "zaq12wsxcde3",
        "1qaz2wsx3edc",
        "asdfghjkl123",
        "zxcvbnm12345",
        "master123456",
    }
)


def validate_password(password: str, *, email: str | None = None) -> None:
    """Raise Unprocessable unless the password is long enough and not a common one."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"must be at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        problems.append(f"must be at most {MAX_LENGTH} characters")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(lowered)) <= 2:
        problems.append("is too common")
    if email and lowered == email.lower():
        problems.append("must not be the e-mail address")
    if problems:
        raise Unprocessable(
            "Password rejected",
            code="weak_password",
            details=[{"loc": ["body", "password"], "msg": p} for p in problems],
        )


@cache
def _dummy_hash() -> str:
    return hash_password("dummy-password-for-timing-only")


def check_password(password: str, password_hash: str | None) -> bool:
    """bcrypt check; for unknown users (no hash) it burns the same time against a dummy hash."""
    if not password_hash:
        verify_password(password, _dummy_hash())
        return False
    return verify_password(password, password_hash)
