"""`--task` on the CLI: `schema`, `extract`, `serve`, `eval` and `compare` select a task; a task
that cannot be used stops the command with one line and exit 2; the seed task stays the default,
and a run under another task has another fingerprint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.cli import EXIT_USAGE, build_config, build_parser, main
from extractor.pipeline import Pipeline
from extractor_schemas import SCHEMA_VERSION, ArticleRecord

ROOT = Path(__file__).resolve().parents[2]
FUNDING = "tasks/funding"
REPLAY = ["--provider", "openai", "--base-url", "http://127.0.0.1:9/v1", "--model", "m"]
REPLAY += ["--cache", "replay"]


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # a bare task name is looked up under ./tasks


def _broken_task(tmp_path: Path) -> Path:
    """A task whose item model has no key: refused by describe when it loads."""
    tmp_path.mkdir()
    (tmp_path / "schema.py").write_text(
        "from pydantic import BaseModel\nfrom extractor_schemas.base import Grounded\n"
        "class Deal(Grounded):\n    name: str\n"
        "class Root(BaseModel):\n    deals: list[Deal] = []\n",
        encoding="utf-8",
    )
    (tmp_path / "task.toml").write_text('[task]\nname = "broken"\nschema = "schema.py:Root"\n')
    return tmp_path


def test_schema_prints_the_seed_schema_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    expected = ArticleRecord.model_json_schema()
    expected["$comment"] = f"extractor schema version {SCHEMA_VERSION}"
    assert capsys.readouterr().out == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("task", ["funding", FUNDING])
def test_schema_prints_the_tasks_schema(task: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--task", task]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "FundingRecord"
    assert list(schema["properties"]) == ["doc_id", "startups", "investors", "rounds"]
    assert schema["$comment"].startswith("extractor task funding (schema sha256 ")


@pytest.mark.parametrize("command", ["schema", "extract", "serve"])
@pytest.mark.parametrize("which", ["missing", "unusable"])
def test_a_task_that_cannot_be_used_is_one_line_and_exit_2(
    command: str, which: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    task = "no-such-task" if which == "missing" else str(_broken_task(tmp_path / "t"))
    extra = [] if command == "schema" else [*REPLAY]
    extra += ["--out", str(tmp_path / "out")] if command == "extract" else []
    extra += ["--db", str(tmp_path / "s.sqlite3")] if command == "serve" else []
    assert main([command, "--task", task, *extra]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.startswith("extractor: error: ") and err.count("\n") == 1, err
    expected = "no task 'no-such-task'" if which == "missing" else "Root.deals (Deal): no field"
    assert expected in err, err
    assert not (tmp_path / "out" / "predictions.jsonl").exists()


def test_the_sentences_strategy_refuses_another_task(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["extract", "--task", FUNDING, "--strategy", "sentences", *REPLAY]
    assert main([*argv, "--out", str(tmp_path)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert err == (
        "extractor: error: the sentences strategy is built for the seed schema "
        "(task 'tasks/funding'); use --strategy document\n"
    )


def _pipeline(*argv: str) -> Pipeline:
    args = build_parser().parse_args(["extract", "--strategy", "document", *REPLAY, *argv])
    return Pipeline.from_config(build_config(args))


def test_the_fingerprint_differs_between_tasks() -> None:
    seeds, funding = _pipeline(), _pipeline("--task", FUNDING)
    assert build_config(build_parser().parse_args(["extract"])).task == "seeds"
    assert _pipeline("--task", "seeds").fingerprint() == seeds.fingerprint()
    assert funding.task.name == "funding" and funding.fingerprint() != seeds.fingerprint()


def test_eval_and_compare_take_the_task(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = str(ROOT / FUNDING / "baseline" / "predictions.jsonl")
    report = tmp_path / "r.json"
    assert main(["eval", "--task", FUNDING, "--pred", run, "--quiet", "--json", str(report)]) == 0
    assert json.loads(report.read_text())["micro"]["score"]["strict"]["f1"] == 1.0
    assert main(["compare", "--task", FUNDING, run, run]) == 0
    assert "startups" in capsys.readouterr().out


def test_one_task_has_one_fingerprint_however_it_is_named() -> None:
    """`--resume` finds a task's finished lines whether it was named by folder or by name."""
    by_path = _pipeline("--task", FUNDING).fingerprint()
    assert _pipeline("--task", str(ROOT / FUNDING)).fingerprint() == by_path
    assert _pipeline("--task", str(ROOT / FUNDING / "task.toml")).fingerprint() == by_path
