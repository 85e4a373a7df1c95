"""Shared paths for tests: the repository root, seeds, gold and committed cassettes."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def seeds_dir() -> Path:
    return ROOT / "seeds"


@pytest.fixture
def gold_dir() -> Path:
    return ROOT / "gold"
