"""A predictions line carries its task's record: the funding baseline's lines read and write
back byte for byte as `PredictionLine[FundingRecord]`, and the seed's line refuses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError

from extractor_schemas.prediction import PredictionLine, line_type
from extractor_schemas.records import ArticleRecord
from extractor_schemas.tasks import load_task

ROOT = Path(__file__).resolve().parents[2]
TASK = ROOT / "tasks" / "funding"


def _raw_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_funding_lines_round_trip_as_the_tasks_line() -> None:
    line = line_type(load_task(str(TASK)).root)
    for raw in _raw_lines(TASK / "baseline" / "predictions.jsonl"):
        parsed = line.model_validate_json(raw)
        assert type(parsed.record).__name__ == "FundingRecord"
        assert json.loads(parsed.model_dump_json()) == json.loads(raw)


def test_the_seed_line_refuses_a_funding_record() -> None:
    raw = _raw_lines(TASK / "baseline" / "predictions.jsonl")[0]
    with pytest.raises(ValidationError, match="record"):
        PredictionLine.model_validate_json(raw)


def test_the_seed_line_is_the_plain_one() -> None:
    assert line_type(ArticleRecord) is PredictionLine
    for raw in _raw_lines(ROOT / "baseline" / "predictions.jsonl"):
        parsed = PredictionLine.model_validate_json(raw)
        assert isinstance(parsed.record, ArticleRecord)
        assert parsed.record.model_dump_json() in raw  # the record serialised byte for byte
