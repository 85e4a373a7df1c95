"""Reading a run's predictions (predictions.jsonl or a folder of records) and the gold folder.

Validity is decided here, once: a document is valid only if it parsed and its record passed the
schema. Invalid documents are kept with the reason, so scoring can count their gold items as
missing and the report can show them, instead of quietly scoring an empty prediction.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from extractor_eval.gold import load_gold
from extractor_eval.outcomes import DocStatus
from extractor_schemas import ArticleRecord
from extractor_schemas.markers import describe
from extractor_schemas.prediction import PredictionLine, line_type

RunKind = Literal["jsonl", "folder"]


@dataclass(frozen=True)
class PredictedDoc:
    """One document of a run: a valid record, or the reason there is none."""

    doc_id: str
    record: BaseModel | None
    problem: str | None = None
    rejected: int = 0

    @property
    def status(self) -> DocStatus:
        return "valid" if self.record is not None else "invalid"


@dataclass(frozen=True)
class Run:
    """Everything read from one run; `problems` holds what could not be tied to a document."""

    source: Path
    kind: RunKind
    docs: dict[str, PredictedDoc]
    problems: list[str] = field(default_factory=list)


class InputError(Exception):
    """Inputs that cannot be scored at all (no gold, missing path): a usage error, exit 2."""


def describe_errors(exc: ValidationError, limit: int = 3) -> str:
    """The first few schema errors as 'loc: message', enough to find the fault."""
    parts = [
        f"{'.'.join(map(str, e['loc'])) or '<root>'}: {e['msg']}" for e in exc.errors()[:limit]
    ]
    more = exc.error_count() - limit
    return "; ".join(parts) + (f"; … {more} more" if more > 0 else "")


PREDICTIONS = "predictions.jsonl"


@lru_cache(maxsize=64)
def line_model(root: type[BaseModel]) -> type[PredictionLine[Any]]:
    """The predictions.jsonl line whose record is the task's root model: one validation pass
    reads a whole line of any task."""
    return line_type(root)


def load_run(path: Path, root: type[BaseModel] = ArticleRecord) -> Run:
    """A predictions.jsonl file, a run folder holding one (`extractor extract --out` writes
    predictions.jsonl next to manifest.json, which is no record), or a folder of records; every
    record is read as the task's root model (the seed schema's by default)."""
    describe(root)
    if path.is_dir() and (path / PREDICTIONS).is_file():
        return _load_jsonl(path / PREDICTIONS, root)
    if path.is_dir():
        return _load_folder(path, root)
    if path.is_file():
        return _load_jsonl(path, root)
    raise InputError(f"predictions not found: {path}")


def _load_folder(path: Path, root: type[BaseModel]) -> Run:
    docs: dict[str, PredictedDoc] = {}
    for file in sorted(path.glob("*.json")):
        try:
            record = root.model_validate_json(file.read_bytes())
        except ValidationError as exc:
            docs[file.stem] = PredictedDoc(file.stem, None, f"schema: {describe_errors(exc)}")
            continue
        docs[file.stem] = PredictedDoc(file.stem, record)
    return Run(path, "folder", docs)


def _load_jsonl(path: Path, root: type[BaseModel]) -> Run:
    docs: dict[str, PredictedDoc] = {}
    problems: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            doc, problem = parse_line(line, number, root)
            if doc is None:
                problems.append(problem or f"line {number}: unreadable")
                continue
            if doc.doc_id in docs:
                problems.append(f"line {number}: duplicate id {doc.doc_id!r}; the last line wins")
            docs[doc.doc_id] = doc
    return Run(path, "jsonl", docs, problems)


def parse_line(
    line: str, number: int, root: type[BaseModel] = ArticleRecord
) -> tuple[PredictedDoc | None, str | None]:
    """One jsonl line as a document; (None, why) only when no document id can be read."""
    try:  # fast path: a well-formed line needs one validation pass, in Rust
        parsed = line_model(root).model_validate_json(line)
    except ValidationError:
        return _parse_bad_line(line, number, root)
    rejected = len(parsed.rejected)
    if parsed.error is not None:
        return PredictedDoc(parsed.id, None, f"error: {parsed.error}", rejected), None
    if parsed.record is None:
        return PredictedDoc(parsed.id, None, "record is null", rejected), None
    return PredictedDoc(parsed.id, parsed.record, None, rejected), None


def _parse_bad_line(
    line: str, number: int, root: type[BaseModel]
) -> tuple[PredictedDoc | None, str | None]:
    """A line that failed validation: find out whether the envelope or the record is at fault."""
    try:
        raw: Any = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"line {number}: not JSON ({exc.msg})"
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        return None, f"line {number}: no string 'id'"
    doc_id: str = raw["id"]
    try:
        envelope = line_model(root).model_validate({**raw, "record": None})
    except ValidationError as exc:
        return PredictedDoc(doc_id, None, f"line: {describe_errors(exc)}"), None
    rejected = len(envelope.rejected)
    if envelope.error is not None:
        return PredictedDoc(doc_id, None, f"error: {envelope.error}", rejected), None
    if raw.get("record") is None:
        return PredictedDoc(doc_id, None, "record is null", rejected), None
    try:
        record = root.model_validate(raw["record"])
    except ValidationError as exc:
        return PredictedDoc(doc_id, None, f"schema: {describe_errors(exc)}", rejected), None
    return PredictedDoc(doc_id, record, None, rejected), None


def load_gold_dir(path: Path, root: type[BaseModel] = ArticleRecord) -> dict[str, BaseModel]:
    """The gold folder, read as the task's root model; empty or missing gold is an input error,
    not a perfect score."""
    if not path.is_dir():
        raise InputError(f"gold folder not found: {path}")
    try:
        gold = load_gold(path, root)
    except ValidationError as exc:
        raise InputError(f"invalid gold file in {path}: {describe_errors(exc)}") from None
    if not gold:
        raise InputError(f"no gold files (*.json) in {path}")
    return gold


def grounding_counts(run: Run, doc_ids: Collection[str] | None = None) -> dict[str, int] | None:
    """Kept items by grounding tier, plus rejected items, over the given documents (default all);
    None for folders, which carry no grounding information."""
    if run.kind != "jsonl":
        return None
    counts = {"exact": 0, "normalised": 0, "fuzzy": 0, "ungrounded": 0, "rejected": 0}
    for doc in run.docs.values():
        if doc_ids is not None and doc.doc_id not in doc_ids:
            continue
        counts["rejected"] += doc.rejected
        if doc.record is None:
            continue
        for record_type in describe(type(doc.record)).record_types:
            for item in getattr(doc.record, record_type):
                tier = item.grounding.value if item.grounding is not None else "ungrounded"
                counts[tier] += 1
    return counts
