"""Where a report came from: versions, commit and time. Kept apart because it changes every run."""

from __future__ import annotations

import datetime as dt
import platform
from importlib import metadata

from extractor_eval.config import SCORER_VERSION
from extractor_eval.report_model import RunMeta
from extractor_schemas.provenance import git_commit

PACKAGES: tuple[str, ...] = ("numpy", "scipy", "rapidfuzz", "pydantic", "extractor")


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
