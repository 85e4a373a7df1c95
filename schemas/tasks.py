"""A task is a folder: its schema, prompts, guidelines, gold and corpus, named by `task.toml`.

    [task]
    name = "funding"
    schema = "schema.py:FundingRecord"   # a file in the folder, or "package.module:Model"
    description = "Funding rounds of start-ups"
    gold = "gold"                        # defaults shown; each path is relative to the folder
    corpus = "corpus"
    prompts = "prompts"                  # prompt sets of the document strategy, one folder per id
    guidelines = "GUIDELINES.md"

`load_task` finds a task by name or path and checks its schema with `describe` at once, so a
task the pipeline cannot use is refused with one message naming the file, model and field
before any document is read. The seed domain is the task named `seeds` (also the default).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from extractor_schemas.markers import SchemaError, TaskSchema, describe

SEED_TASK = "seeds"
TASK_FILE = "task.toml"
TASKS_DIR = Path("tasks")
"""Where a bare task name is looked up, relative to the current directory."""

_KEYS = frozenset({"name", "schema", "description", "gold", "corpus", "prompts", "guidelines"})
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class TaskError(ValueError):
    """A task cannot be found or read; the message names the file (or the name looked up)."""


@dataclass(frozen=True)
class Task:
    """One extraction task, loaded and checked.

    `prompt_dir` None means the strategy's packaged prompt sets (the seed task's); `sha256`
    hashes the root model's JSON Schema, so a run under another schema has another fingerprint.
    """

    name: str
    folder: Path
    root: type[BaseModel]
    schema: TaskSchema
    gold_dir: Path
    corpus_dir: Path
    prompt_dir: Path | None
    guidelines: Path | None
    description: str
    sha256: str

    @property
    def is_seed(self) -> bool:
        """The seed schema's task: the only one the sentence strategy can read."""
        from extractor_schemas.records import ArticleRecord

        return self.root is ArticleRecord

    def json_schema(self) -> dict[str, Any]:
        """The root record's JSON Schema, as `extractor schema` and `GET /v1/schema` give it: the
        `$comment` names the seed schema's version, or another task's name and schema hash."""
        from extractor_schemas.records import SCHEMA_VERSION

        schema = self.root.model_json_schema()
        schema["$comment"] = (
            f"extractor schema version {SCHEMA_VERSION}"
            if self.is_seed
            else f"extractor task {self.name} (schema sha256 {self.sha256})"
        )
        return schema


def schema_sha256(root: type[BaseModel]) -> str:
    """SHA-256 of the root model's JSON Schema in canonical form."""
    blob = json.dumps(root.model_json_schema(), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def load_task(spec: str | Path | None = None) -> Task:
    """The task `spec` names: None or `seeds` the seed domain; a folder or its task.toml; a bare
    name under `tasks/`; else an importable package whose folder holds task.toml."""
    if spec is None or str(spec) == SEED_TASK:
        return seed_task()
    return load_task_file(_find_task_file(str(spec)))


def seed_task() -> Task:
    """The seed domain: `ArticleRecord`, gold in `gold/`, articles in `seeds/`, packaged prompts."""
    from extractor_schemas.records import ArticleRecord

    return Task(
        name=SEED_TASK,
        folder=Path("."),
        root=ArticleRecord,
        schema=describe(ArticleRecord),
        gold_dir=Path("gold"),
        corpus_dir=Path("seeds"),
        prompt_dir=None,
        guidelines=Path("gold/GUIDELINES.md"),
        description="Chinese electronics brands in India (the seed articles)",
        sha256=schema_sha256(ArticleRecord),
    )


def load_task_file(path: Path) -> Task:
    """A task from its task.toml; every refusal names the file."""
    folder = path.parent
    table = _read_table(path)
    name = _string(table, "name", path)
    if not _NAME.match(name):
        raise TaskError(f"{path}: [task] name {name!r} must be letters, digits, '_', '.' or '-'")
    root = _load_model(_string(table, "schema", path), folder, path)
    try:
        schema = describe(root)
    except SchemaError as exc:
        raise SchemaError(f"{path}: schema {root.__module__}.{root.__name__}: {exc}") from None
    prompts = _optional_path(table, "prompts", "prompts", folder, path)
    return Task(
        name=name,
        folder=folder,
        root=root,
        schema=schema,
        gold_dir=_path(table, "gold", "gold", folder, path),
        corpus_dir=_path(table, "corpus", "corpus", folder, path),
        prompt_dir=prompts,
        guidelines=_optional_path(table, "guidelines", "GUIDELINES.md", folder, path),
        description=str(table.get("description", "")),
        sha256=schema_sha256(root),
    )


def known_tasks() -> list[str]:
    """Names a bare `--task NAME` finds: the seed task and every `tasks/*/task.toml`."""
    found = sorted(p.parent.name for p in TASKS_DIR.glob(f"*/{TASK_FILE}"))
    return [SEED_TASK, *found]


def _find_task_file(spec: str) -> Path:
    candidate = Path(spec)
    if candidate.is_dir():
        candidate = candidate / TASK_FILE
    if candidate.is_file():
        return candidate
    if _NAME.match(spec) and "/" not in spec:
        local = TASKS_DIR / spec / TASK_FILE
        if local.is_file():
            return local
        packaged = _package_task_file(spec)
        if packaged is not None:
            return packaged
    raise TaskError(
        f"no task {spec!r}: not a folder holding {TASK_FILE}, not {TASKS_DIR}/{spec}/, nor an "
        f"importable package holding {TASK_FILE} (tasks found: {', '.join(known_tasks())})"
    )


def _package_task_file(name: str) -> Path | None:
    """task.toml in the folder of an importable package, found without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / TASK_FILE
        if path.is_file():
            return path
    return None


def _read_table(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise TaskError(f"cannot read {path}: {exc}") from None
    table = data.get("task")
    if not isinstance(table, dict):
        raise TaskError(f"{path}: needs a [task] table (name, schema)")
    unknown = sorted(set(table) - _KEYS) + sorted(set(data) - {"task"})
    if unknown:
        raise TaskError(f"{path}: unknown key(s) {unknown} (known: {sorted(_KEYS)} in [task])")
    return table


def _string(table: dict[str, Any], key: str, path: Path) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TaskError(f"{path}: [task] {key} must be a non-empty string")
    return value.strip()


def _path(table: dict[str, Any], key: str, default: str, folder: Path, path: Path) -> Path:
    """A folder path of the task; one named explicitly must exist."""
    if key not in table:
        return folder / default
    resolved = folder / _string(table, key, path)
    if not resolved.exists():
        raise TaskError(f"{path}: [task] {key} = {table[key]!r}: {resolved} does not exist")
    return resolved


def _optional_path(
    table: dict[str, Any], key: str, default: str, folder: Path, path: Path
) -> Path | None:
    """Like `_path`, but an absent default is None (the task does without it)."""
    resolved = _path(table, key, default, folder, path)
    return resolved if resolved.exists() else None


def _load_model(ref: str, folder: Path, path: Path) -> type[BaseModel]:
    module_name, sep, attr = ref.partition(":")
    if not sep or not module_name or not attr:
        raise TaskError(f"{path}: [task] schema {ref!r} must be 'module:Model' or 'file.py:Model'")
    if module_name.endswith(".py"):
        module = _module_from_file(folder / module_name, path)
    else:
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            raise TaskError(f"{path}: cannot import schema module {module_name!r}: {exc}") from None
    model = getattr(module, attr, None)
    if model is None:
        raise TaskError(f"{path}: schema module {module_name!r} has no attribute {attr!r}")
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise TaskError(f"{path}: schema {ref!r} is not a pydantic model class")
    return model


def _module_from_file(file: Path, path: Path) -> ModuleType:
    """Load a schema file by path, so a task folder need not be a package. It is registered in
    `sys.modules` before it runs: pydantic resolves postponed annotations through it."""
    if not file.is_file():
        raise TaskError(f"{path}: schema file {file} does not exist")
    digest = hashlib.sha256(str(file.resolve()).encode()).hexdigest()[:12]
    name = f"extractor_task_{re.sub(r'[^A-Za-z0-9_]', '_', file.stem)}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, file)
    if spec is None or spec.loader is None:
        raise TaskError(f"{path}: cannot load schema file {file}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise TaskError(f"{path}: schema file {file} failed to load: {exc!r}") from None
    return module
