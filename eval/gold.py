"""Loading and checking gold annotations against the schema and their seed texts."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from extractor_schemas import RECORD_TYPES, ArticleRecord


@dataclass(frozen=True)
class GoldProblem:
    doc_id: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.doc_id}: {self.where}: {self.message}"


def load_gold(gold_dir: Path) -> dict[str, ArticleRecord]:
    """Every `<doc id>.json` in the folder, validated; raises on the first invalid file."""
    records: dict[str, ArticleRecord] = {}
    for path in sorted(gold_dir.glob("*.json")):
        records[path.stem] = ArticleRecord.model_validate_json(path.read_text(encoding="utf-8"))
    return records


def check_gold_file(path: Path, seed_text: str) -> list[GoldProblem]:
    """All problems of one gold file: schema errors, evidence not verbatim, wrong doc id."""
    doc_id = path.stem
    try:
        record = ArticleRecord.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        return [GoldProblem(doc_id, ".".join(map(str, e["loc"])), e["msg"]) for e in exc.errors()]
    problems: list[GoldProblem] = []
    if record.doc_id != doc_id:
        problems.append(GoldProblem(doc_id, "doc_id", f"{record.doc_id!r} != file stem"))
    for record_type in RECORD_TYPES:
        for i, item in enumerate(record.items(record_type)):
            if item.evidence not in seed_text:
                problems.append(
                    GoldProblem(
                        doc_id,
                        f"{record_type}[{i}].evidence",
                        f"not verbatim in seed: {item.evidence!r}",
                    )
                )
    span = record.article.main_span
    if span is not None and span[1] > len(seed_text):
        problems.append(GoldProblem(doc_id, "article.main_span", f"{span} past end of text"))
    return problems


def check_gold(gold_dir: Path, seeds_dir: Path) -> list[GoldProblem]:
    """Problems across all gold files; a seed without gold is a problem too."""
    problems: list[GoldProblem] = []
    for seed in sorted(seeds_dir.glob("*.txt")):
        path = gold_dir / f"{seed.stem}.json"
        if not path.exists():
            problems.append(GoldProblem(seed.stem, "file", f"missing {path}"))
            continue
        problems += check_gold_file(path, seed.read_text(encoding="utf-8"))
    return problems


def summarise(record: ArticleRecord) -> dict[str, int]:
    """Counts per record type, the quick view of how much an article yields."""
    return {name: len(record.items(name)) for name in RECORD_TYPES}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    gold_dir = Path(args[0] if args else "gold")
    seeds_dir = Path(args[1] if len(args) > 1 else "seeds")
    problems = check_gold(gold_dir, seeds_dir)
    for problem in problems:
        print(problem)
    if not problems:
        for doc_id, record in load_gold(gold_dir).items():
            print(doc_id, json.dumps(summarise(record)))
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
