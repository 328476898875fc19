"""`docker compose config` accepts compose.yaml, and refuses to run without the secrets.

Needs the Compose CLI (`docker compose` or Debian's `docker-compose`), so it is marked `deploy`:
deselected by default, run by .ci/run after it makes sure the CLI is installed.
"""

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRETS = (
    "POSTGRES_PASSWORD",
    "APP_DB_PASSWORD",
    "SUPERADMIN_DB_PASSWORD",
    "SYNC_DB_PASSWORD",
    "SECRET_KEY",
    "FERNET_KEY",
    "FILE_ENCRYPTION_KEY",
    "MINIO_ROOT_USER",
    "MINIO_ROOT_PASSWORD",
)

pytestmark = pytest.mark.deploy


def _compose() -> list[str]:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True)
        if probe.returncode == 0:
            return [docker, "compose"]
    legacy = shutil.which("docker-compose")
    if legacy:
        return [legacy]
    pytest.fail("no Compose CLI: install docker compose (or Debian's docker-compose)")


def _config(env_file: Path) -> subprocess.CompletedProcess[str]:
    cmd = [*_compose(), "--env-file", str(env_file), "-f", str(ROOT / "compose.yaml"), "config"]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=ROOT, env={})


def test_compose_config_passes_with_secrets(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{name}=value-of-{name.lower()}\n" for name in SECRETS))
    result = _config(env_file)
    assert result.returncode == 0, result.stderr
    for service in ("api:", "worker:", "db:", "redis:", "minio:", "migrate:"):
        assert service in result.stdout
    assert "pgvector/pgvector" in result.stdout


def test_compose_refuses_missing_secret(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{n}=x\n" for n in SECRETS if n != "SECRET_KEY"))
    result = _config(env_file)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
