"""The commit of the code that made an output: from the checkout that tracks it, else None."""

import subprocess
from pathlib import Path

from extractor_schemas import provenance
from extractor_schemas.provenance import git_commit


def _git(folder: Path, *args: str) -> str:
    command = ["git", "-C", str(folder), "-c", "user.name=t", "-c", "user.email=t@t", *args]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout.strip()


def test_a_tracked_file_names_its_checkouts_head(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "code.py").write_text("x = 1\n")
    _git(tmp_path, "add", "code.py")
    _git(tmp_path, "commit", "-q", "-m", "one")
    assert git_commit(tmp_path / "code.py") == _git(tmp_path, "rev-parse", "HEAD")


def test_an_untracked_file_inside_some_checkout_names_none(tmp_path: Path) -> None:
    _git(tmp_path, "init", "-q")
    (tmp_path / "code.py").write_text("x = 1\n")
    (tmp_path / "venv").mkdir()
    (tmp_path / "venv" / "installed.py").write_text("y = 2\n")
    _git(tmp_path, "add", "code.py")
    _git(tmp_path, "commit", "-q", "-m", "one")
    assert git_commit(tmp_path / "venv" / "installed.py") is None


def test_outside_git_there_is_no_commit(tmp_path: Path) -> None:
    (tmp_path / "code.py").write_text("x = 1\n")
    assert git_commit(tmp_path / "code.py") is None


def test_this_code_names_its_own_checkout_or_none() -> None:
    here = Path(provenance.__file__).resolve()
    tracked = subprocess.run(
        ["git", "-C", str(here.parent), "ls-files", "--error-unmatch", here.name],
        capture_output=True,
        check=False,
    )
    if tracked.returncode == 0:
        assert git_commit() == _git(here.parent, "rev-parse", "HEAD")
    else:  # a wheel install or a `git archive` copy
        assert git_commit() is None
