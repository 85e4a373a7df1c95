"""One typed configuration: TOML and flags, and a fingerprint that ignores cache mode."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from extractor.cli import build_config, build_parser
from extractor.config import CacheMode, RunConfig, load_config


def test_fingerprint_ignores_cache_mode_and_concurrency() -> None:
    base = RunConfig()
    other = RunConfig.model_validate({"cache": {"mode": "replay"}, "concurrency": 9})
    assert base.fingerprint() == other.fingerprint()
    assert (
        base.fingerprint()
        != RunConfig.model_validate({"sampling": {"temperature": 0.5}}).fingerprint()
    )


def test_toml_file_and_flags_combine(tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_text('[retry]\nmax_attempts = 2\n[cache]\nmode = "record"\n')
    args = build_parser().parse_args(["extract", "--config", str(path), "--cache", "replay"])
    config = build_config(args)
    assert config.retry.max_attempts == 2
    assert config.cache.mode is CacheMode.REPLAY


def test_unknown_keys_and_bad_values_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[retry]\nmax_attempts = 0\n")
    with pytest.raises(ValidationError, match="max_attempts"):
        load_config(path)
    path.write_text("[surprise]\n")
    with pytest.raises(ValidationError, match="surprise"):
        load_config(path)
    path.write_text("not toml [")
    with pytest.raises(ValueError, match="cannot read configuration"):
        load_config(path)
