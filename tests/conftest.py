"""Shared for all tests: repository paths, and tests/support importable as `support`."""

import importlib.util
import sys
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


def _load_support() -> None:
    """Loads tests/support as the package `support`, by path.

    tests/ is not a package, and putting it on sys.path would let the folder tests/extractor
    shadow the real `extractor` package as a namespace package.
    """
    if "support" in sys.modules:
        return
    folder = Path(__file__).resolve().parent / "support"
    spec = importlib.util.spec_from_file_location(
        "support", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["support"] = module
    spec.loader.exec_module(module)


_load_support()
