"""Which code made an output: the git commit of the checkout the packages were loaded from.

One function for the run manifest (extractor) and the eval report (extractor_eval), here
because eval may not import the extractor. It names the commit of *this code*, not of whatever
repository the user happens to run it in: installed from a wheel, or copied out of git
(`git archive`), there is no commit to name and the answer is None.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

_HERE = Path(__file__).resolve()


def _git(directory: Path, *args: str) -> str | None:
    """Output of one git command run in `directory`, or None when git or the command fails."""
    try:
        done = subprocess.run(
            ["git", "-C", str(directory), *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def git_commit(source: Path = _HERE) -> str | None:
    """HEAD of the git checkout that tracks the file `source` (default: this module).

    The file must be tracked, not merely inside a work tree: a virtual environment or a copy
    that lives in some other repository's folder would otherwise report that repository's HEAD.
    """
    folder = source.parent
    if _git(folder, "ls-files", "--error-unmatch", "--", source.name) is None:
        return None
    return _git(folder, "rev-parse", "HEAD")
