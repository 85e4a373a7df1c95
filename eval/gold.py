"""Loading and checking gold annotations against a task's schema and its article texts.

`python -m extractor_eval.gold [GOLD [SEEDS]] [--task TASK]` checks every gold file: it
validates against the task's root model (references resolve, by its validators), every
evidence occurs verbatim in its article, and each file's doc_id is its stem.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ValidationError

from extractor_schemas import ArticleRecord
from extractor_schemas.markers import Dangling, SchemaError, describe
from extractor_schemas.tasks import TaskError, load_task


@dataclass(frozen=True)
class GoldProblem:
    doc_id: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.doc_id}: {self.where}: {self.message}"


def load_gold(gold_dir: Path, root: type[BaseModel] = ArticleRecord) -> dict[str, BaseModel]:
    """Every `<doc id>.json` in the folder, validated as the task's root model (the seed
    schema's by default); raises on the first invalid file."""
    records: dict[str, BaseModel] = {}
    for path in sorted(gold_dir.glob("*.json")):
        records[path.stem] = root.model_validate_json(path.read_text(encoding="utf-8"))
    return records


def _dangling(record: BaseModel) -> list[str]:
    """References to no item of their target types (gold must resolve every one), whatever
    the Dangling rule the extractor applies to predictions."""
    schema = describe(type(record))
    names: dict[str, set[str]] = {}
    for name, rt in schema.record_types.items():
        forms: set[str] = set()
        for item in getattr(record, name):
            forms.update(str(getattr(item, k.name)).casefold() for k in rt.keys)
            if rt.alias_field:
                forms.update(a.casefold() for a in getattr(item, rt.alias_field))
        names[name] = forms
    found = []
    for name, rt in schema.record_types.items():
        for i, item in enumerate(getattr(record, name)):
            for f in rt.refs:
                assert f.ref is not None
                if f.ref.dangling is Dangling.KEEP:  # may name someone outside the record
                    continue
                value = getattr(item, f.name)
                values = value if isinstance(value, list) else [value]
                known = set().union(*(names[t] for t in f.ref.targets))
                found += [
                    f"{name}[{i}].{f.name}={v!r}"
                    for v in values
                    if v is not None and str(v).casefold() not in known
                ]
    return found


def check_gold_file(
    path: Path, seed_text: str, root: type[BaseModel] = ArticleRecord, strict_refs: bool = False
) -> list[GoldProblem]:
    """All problems of one gold file: schema errors, evidence not verbatim, wrong doc id, and
    with `strict_refs` every reference that names no item of its target types."""
    doc_id = path.stem
    try:
        record = root.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        return [GoldProblem(doc_id, ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]
    problems: list[GoldProblem] = []
    found_id = getattr(record, "doc_id", doc_id)
    if found_id != doc_id:
        problems.append(GoldProblem(doc_id, "doc_id", f"{found_id!r} != file stem"))
    if strict_refs:
        problems += [GoldProblem(doc_id, ref, "names no item") for ref in _dangling(record)]
    for record_type in describe(root).record_types:
        for i, item in enumerate(getattr(record, record_type)):
            if item.evidence not in seed_text:
                problems.append(
                    GoldProblem(
                        doc_id,
                        f"{record_type}[{i}].evidence",
                        f"not verbatim in seed: {item.evidence!r}",
                    )
                )
    article = getattr(record, "article", None)
    span = getattr(article, "main_span", None)
    if span is not None and span[1] > len(seed_text):
        problems.append(GoldProblem(doc_id, "article.main_span", f"{span} past end of text"))
    return problems


def check_gold(
    gold_dir: Path,
    seeds_dir: Path,
    root: type[BaseModel] = ArticleRecord,
    strict_refs: bool = False,
) -> list[GoldProblem]:
    """Problems across all gold files; a seed without gold is a problem too."""
    problems: list[GoldProblem] = []
    for seed in sorted(seeds_dir.glob("*.txt")):
        path = gold_dir / f"{seed.stem}.json"
        if not path.exists():
            problems.append(GoldProblem(seed.stem, "file", f"missing {path}"))
            continue
        problems += check_gold_file(path, seed.read_text(encoding="utf-8"), root, strict_refs)
    return problems


def summarise(record: BaseModel) -> dict[str, int]:
    """Counts per record type, the quick view of how much an article yields."""
    return {name: len(getattr(record, name)) for name in describe(type(record)).record_types}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor_eval.gold", description=__doc__)
    parser.add_argument("gold", nargs="?", type=Path, help="gold folder (the task's)")
    parser.add_argument("seeds", nargs="?", type=Path, help="article texts (the task's corpus)")
    parser.add_argument("--task", help="task name or folder (default: the seed task)")
    args = parser.parse_args(argv)
    try:
        task = load_task(args.task)
    except (TaskError, SchemaError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    gold_dir = args.gold or task.gold_dir
    problems = check_gold(gold_dir, args.seeds or task.corpus_dir, task.root, strict_refs=True)
    for problem in problems:
        print(problem)
    if not problems:
        for doc_id, record in load_gold(gold_dir, task.root).items():
            print(doc_id, json.dumps(summarise(record)))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
