"""Every handler in the code base is found by discovery alone, as in a fresh API process."""

import re
import subprocess
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"


def test_discovery_registers_every_declared_handler() -> None:
    declared = {
        name
        for path in APP.rglob("*.py")
        for name in re.findall(r'@register_handler\(\s*"([^"]+)"', path.read_text("utf-8"))
    }
    # a fresh interpreter: the test session has imported handler modules directly
    probe = "from app.services.tasks import registered_types; print(' '.join(registered_types()))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=600
    )
    assert declared and declared <= set(out.stdout.split())
