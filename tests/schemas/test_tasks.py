"""Task folders: how `load_task` finds one, what it holds, and each refusal with its message."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from extractor_schemas import ArticleRecord
from extractor_schemas.markers import SchemaError
from extractor_schemas.tasks import Task, TaskError, load_task, schema_sha256

SCHEMA = """
from __future__ import annotations

from typing import Annotated

from pydantic import Field

from extractor_schemas.base import Grounded, StrictModel
from extractor_schemas.markers import Dangling, Key, Ref


class Startup(Grounded):
    name: Annotated[str, Key()]


class Round(Grounded):
    company: Annotated[str, Key(), Ref("startups", dangling=Dangling.DROP_ITEM)]
    amount_raw: Annotated[str, Key()]


class FundingRecord(StrictModel):
    doc_id: str
    startups: list[Startup] = Field(default_factory=list)
    rounds: list[Round] = Field(default_factory=list)


class NoKey(Grounded):
    name: str


class Broken(StrictModel):
    things: list[NoKey] = Field(default_factory=list)


NOT_A_MODEL = 3
"""

TOML = '[task]\nname = "funding"\nschema = "schema.py:FundingRecord"\ndescription = "Rounds"\n'


def _folder(tmp_path: Path, toml: str = TOML, schema: str = SCHEMA, name: str = "funding") -> Path:
    folder = tmp_path / "tasks" / name
    folder.mkdir(parents=True)
    (folder / "task.toml").write_text(toml, encoding="utf-8")
    (folder / "schema.py").write_text(schema, encoding="utf-8")
    for sub in ("gold", "corpus", "prompts/document-v1"):
        (folder / sub).mkdir(parents=True)
    (folder / "GUIDELINES.md").write_text("# Funding\n", encoding="utf-8")
    return folder


def test_the_seed_task_is_the_default() -> None:
    for spec in (None, "seeds"):
        task = load_task(spec)
        assert (task.name, task.root, task.is_seed) == ("seeds", ArticleRecord, True)
        assert (task.gold_dir, task.corpus_dir, task.prompt_dir) == (
            Path("gold"),
            Path("seeds"),
            None,
        )
        assert task.sha256 == schema_sha256(ArticleRecord)
        assert next(iter(task.schema.record_types)) == "companies"


def _check_funding(task: Task, folder: Path) -> None:
    assert task.name == "funding"
    assert task.root.__name__ == "FundingRecord"
    assert list(task.schema.record_types) == ["startups", "rounds"]
    assert task.folder.resolve() == folder.resolve()
    assert task.gold_dir == task.folder / "gold"
    assert task.corpus_dir == task.folder / "corpus"
    assert task.prompt_dir == task.folder / "prompts"
    assert task.guidelines == task.folder / "GUIDELINES.md"
    assert task.description == "Rounds"
    assert not task.is_seed
    assert len(task.sha256) == 64 and task.sha256 != schema_sha256(ArticleRecord)


@pytest.mark.parametrize("how", ["folder", "toml", "name"])
def test_a_task_folder_is_found_by_path_or_name(
    how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    spec = {"folder": str(folder), "toml": str(folder / "task.toml"), "name": "funding"}[how]
    _check_funding(load_task(spec), folder)


def test_a_task_inside_an_importable_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "site" / "acme_tasks"
    package.parent.mkdir()
    folder = _folder(tmp_path)
    folder.rename(package)
    (package / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.chdir(tmp_path)
    task = load_task("acme_tasks")
    assert task.folder.resolve() == package.resolve()
    assert "acme_tasks" not in sys.modules  # found without importing it


def test_an_importable_schema_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(
        tmp_path, toml='[task]\nname = "funding"\nschema = "acme_schema:FundingRecord"\n'
    )
    (tmp_path / "acme_schema.py").write_text(SCHEMA, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert load_task(str(folder)).root.__module__ == "acme_schema"


def test_paths_left_out_that_do_not_exist_are_none(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "GUIDELINES.md").unlink()
    (folder / "prompts/document-v1").rmdir()
    (folder / "prompts").rmdir()
    task = load_task(str(folder))
    assert (task.prompt_dir, task.guidelines) == (None, None)


def _toml(**fields: str) -> str:
    base = {"name": '"funding"', "schema": '"schema.py:FundingRecord"'} | fields
    return "[task]\n" + "".join(f"{k} = {v}\n" for k, v in base.items() if v)


@pytest.mark.parametrize(
    ("toml", "error", "message"),
    [
        ("[task\nname=", TaskError, r"cannot read .*task\.toml: .*"),
        ('name = "x"\n', TaskError, r"task\.toml: needs a \[task\] table"),
        (_toml(name=""), TaskError, r"\[task\] name must be a non-empty string"),
        (_toml(name='"a b"'), TaskError, r"\[task\] name 'a b' must be letters"),
        (_toml(schema=""), TaskError, r"\[task\] schema must be a non-empty string"),
        (_toml(schema='"schema.py"'), TaskError, r"schema 'schema\.py' must be 'module:Model'"),
        (_toml(schema='"nope.py:X"'), TaskError, r"schema file .*nope\.py does not exist"),
        (_toml(schema='"no_such_mod_xyz:X"'), TaskError, r"cannot import schema module 'no_such"),
        (_toml(schema='"schema.py:Missing"'), TaskError, r"has no attribute 'Missing'"),
        (_toml(schema='"schema.py:NOT_A_MODEL"'), TaskError, r"is not a pydantic model class"),
        (
            _toml(schema='"schema.py:Broken"'),
            SchemaError,
            r"task\.toml: schema .*\.Broken: Broken\.things \(NoKey\): no field is marked Key",
        ),
        (_toml(gold='"annotations"'), TaskError, r"\[task\] gold = 'annotations': .* not exist"),
        (_toml(prompts='"p"'), TaskError, r"\[task\] prompts = 'p': .* does not exist"),
        (_toml(golds='"gold"'), TaskError, r"unknown key\(s\) \['golds'\]"),
    ],
)
def test_refusals_name_the_file_and_what_is_wrong(
    toml: str, error: type[Exception], message: str, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, toml=toml)
    with pytest.raises(error, match=message):
        load_task(str(folder))


def test_a_schema_file_that_fails_to_import_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path, schema="raise RuntimeError('boom')\n")
    with pytest.raises(TaskError, match=r"schema file .*schema\.py failed to load: .*boom"):
        load_task(str(folder))


def test_an_unknown_task_lists_the_tasks_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _folder(tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TaskError, match=r"no task 'recalls'.*\(tasks found: seeds, funding\)"):
        load_task("recalls")
    with pytest.raises(TaskError, match=r"no task 'no/such/dir'"):
        load_task("no/such/dir")
