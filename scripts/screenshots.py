"""Refresh the screenshots in docs/images from the demo, through the browser tests.

    .venv/bin/python scripts/screenshots.py

Runs tests/streamlit/test_e2e_screenshots.py (headless Debian Chromium) with
AUTHGATE_SCREENSHOT_DIR=docs/images; README.md and docs/streamlit.md show
login.png, register.png, account-mfa.png and admin.png from there.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    env = {**os.environ, "AUTHGATE_SCREENSHOT_DIR": str(ROOT / "docs" / "images")}
    test = ROOT / "tests" / "streamlit" / "test_e2e_screenshots.py"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)]
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode  # noqa: S603


if __name__ == "__main__":
    sys.exit(main())
