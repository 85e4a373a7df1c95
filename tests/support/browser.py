"""Rendering a page in the real headless Chromium (Debian's package, installed by `make browser`).

The flags are those this machine's closed network needs: without the background-networking
ones, Chromium keeps trying hosts it cannot reach.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def rendered_dom(page: Path, profile: Path, *extra: str) -> str:
    """The DOM after the page's scripts ran; skips the test where no Chromium is installed."""
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("chromium not found (apt-get install -y chromium)")
    done = subprocess.run(
        [chromium, *FLAGS, *extra, f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout
