"""The strategy seam: `auto` picks per provider, flags and TOML name a strategy, outputs say it."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.cli import build_config, build_parser
from extractor.config import RunConfig
from extractor.pipeline import Pipeline
from extractor.providers.base import JSON
from extractor_schemas.prediction import PredictionLine


class _Silent:
    """A provider that is never called: the seam is decided before any model call."""

    name = "openai"
    serialised = False

    def identity(self) -> JSON:
        return {"provider": "openai", "model": "m", "mode": "tools"}

    def instructor_mode(self) -> str:
        return "tool_call"

    async def check(self) -> None:
        return None

    async def complete(self, request: JSON) -> JSON:
        raise AssertionError("no call expected")


@pytest.mark.parametrize(
    ("provider", "strategy", "chosen", "prompts"),
    [
        ("embedded", "auto", "sentences", "mentions-v1"),
        ("openai", "auto", "document", "document-v1"),
        ("openai", "sentences", "sentences", "mentions-v1"),
        ("embedded", "document", "document", "document-v1"),
    ],
)
def test_auto_picks_by_provider_and_an_explicit_choice_wins(
    provider: str, strategy: str, chosen: str, prompts: str
) -> None:
    config = RunConfig.model_validate(
        {"provider": {"kind": provider}, "extraction": {"strategy": strategy}}
    )
    assert config.strategy_name() == chosen
    assert config.prompt_set_id() == prompts


def test_the_pipeline_runs_the_chosen_strategy_and_names_it(tmp_path: Path) -> None:
    config = RunConfig.model_validate(
        {"provider": {"kind": "openai", "model": "m"}, "cache": {"dir": str(tmp_path)}}
    )
    pipeline = Pipeline.from_config(config, provider=_Silent())  # type: ignore[arg-type]
    assert pipeline.strategy.name == "document"
    assert pipeline.prompts.id == "document-v1" and len(pipeline.prompts.sha256) == 64
    assert "strategy" in PredictionLine.model_fields


@pytest.mark.parametrize("command", ["extract", "serve"])
def test_both_commands_take_the_strategy_flag(command: str) -> None:
    args = build_parser().parse_args([command, "--strategy", "document"])
    assert build_config(args).extraction.strategy == "document"


def test_a_strategy_from_toml_and_an_unknown_one_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_text('[extraction]\nstrategy = "document"\npasses = 2\n')
    args = build_parser().parse_args(["extract", "--config", str(path)])
    config = build_config(args)
    assert (config.extraction.strategy, config.extraction.passes) == ("document", 2)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["extract", "--strategy", "paragraphs"])


def test_the_hash_names_the_resolved_strategy() -> None:
    auto = RunConfig.model_validate({"provider": {"kind": "openai", "model": "m"}})
    named = RunConfig.model_validate(
        {"provider": {"kind": "openai", "model": "m"}, "extraction": {"strategy": "document"}}
    )
    other = RunConfig.model_validate(
        {"provider": {"kind": "openai", "model": "m"}, "extraction": {"strategy": "sentences"}}
    )
    fingerprint = RunConfig.fingerprint
    try:
        assert fingerprint(auto) == fingerprint(named) != fingerprint(other)  # type: ignore[call-arg]
    except TypeError:  # the fingerprint also takes the prompt hash and the model identity
        ident = {"model": "m"}
        assert fingerprint(auto, "p", ident) == fingerprint(named, "p", ident)  # type: ignore[call-arg]
        assert fingerprint(named, "p", ident) != fingerprint(other, "p", ident)  # type: ignore[call-arg]
