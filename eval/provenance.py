"""Where a report came from: versions, commit and time. Kept apart because it changes every run."""

from __future__ import annotations

import datetime as dt
import platform
import subprocess
from importlib import metadata

from extractor_eval.config import SCORER_VERSION
from extractor_eval.report_model import RunMeta

PACKAGES: tuple[str, ...] = ("numpy", "scipy", "rapidfuzz", "pydantic", "extractor")


def git_commit() -> str | None:
    """HEAD of the current repository, or None outside git or without git installed."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None


def package_versions() -> dict[str, str]:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def run_meta(argv: list[str]) -> RunMeta:
    return RunMeta(
        scorer_version=SCORER_VERSION,
        created_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        git_commit=git_commit(),
        python=platform.python_version(),
        packages=package_versions(),
        argv=argv,
    )
