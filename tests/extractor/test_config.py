"""One typed configuration: TOML and flags, and a fingerprint of exactly what decides outputs."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from extractor.cli import build_config, build_parser
from extractor.config import CacheMode, RunConfig, load_config

PROMPTS, MODEL = "a" * 64, {"provider": "embedded", "model": "m", "model_sha256": "f" * 64}

# Settings that change how a run goes, never what it answers.
MECHANICS: list[dict[str, object]] = [
    {"cache": {"mode": "replay"}},
    {"cache": {"dir": "/elsewhere/cassettes"}},
    {"concurrency": 9},
    {"retry": {"max_attempts": 2, "max_total_s": 5.0, "initial_backoff_s": 0.0}},
    {"provider": {"timeout_s": 3.0, "base_url": "http://127.0.0.1:1/v1", "n_threads": 1}},
    {"provider": {"api_key_env": "OTHER_KEY", "n_ctx": 4096}},
]
# Settings that decide the answers.
DECISIVE: list[dict[str, object]] = [
    {"sampling": {"temperature": 0.5}},
    {"sampling": {"max_tokens": 64}},
    {"extraction": {"isolate": False}},
    {"extraction": {"chunk_chars": 400}},
    {"retry": {"max_reasks": 3}},
]


def _fingerprint(
    overrides: dict[str, object], prompts: str = PROMPTS, model: dict[str, str] = MODEL
) -> str:
    return RunConfig.model_validate(overrides).fingerprint(prompts, model)


@pytest.mark.parametrize("overrides", MECHANICS, ids=str)
def test_fingerprint_ignores_run_mechanics(overrides: dict[str, object]) -> None:
    assert _fingerprint(overrides) == _fingerprint({})


@pytest.mark.parametrize("overrides", DECISIVE, ids=str)
def test_fingerprint_follows_what_decides_outputs(overrides: dict[str, object]) -> None:
    assert _fingerprint(overrides) != _fingerprint({})


def test_fingerprint_follows_the_prompts_content_and_the_model() -> None:
    assert _fingerprint({}, prompts="b" * 64) != _fingerprint({})
    assert _fingerprint({}, model={**MODEL, "model_sha256": "e" * 64}) != _fingerprint({})


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
