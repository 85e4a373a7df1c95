"""A task folder whose schema the pipeline cannot use is refused when it loads, naming the model
and the field: an item model that is not `Grounded`, a metadata model that needs a value the
model may never state."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor_schemas.markers import SchemaError
from extractor_schemas.tasks import load_task

_HEAD = """
from typing import Annotated
from pydantic import BaseModel, Field
from extractor_schemas.base import Grounded, StrictModel
from extractor_schemas.markers import Key
from extractor_schemas.vocab import GroundingKind
"""
_ITEM = """
class Deal(Grounded):
    name: Annotated[str, Key()]
"""
_NOT_GROUNDED = """
class Deal(StrictModel):  # the right fields, but none of Grounded's checks
    evidence: str
    span: tuple[int, int] | None = None
    grounding: GroundingKind | None = None
    name: Annotated[str, Key()]
"""

CASES = {
    "item not Grounded": (
        _NOT_GROUNDED + "class Root(StrictModel):\n    deals: list[Deal] = []\n",
        r"Root\.deals \(Deal\): an item model must subclass extractor_schemas\.base\.Grounded",
    ),
    "metadata field without a default": (
        _ITEM
        + "class Meta(StrictModel):\n    title: str\n"
        + "class Root(StrictModel):\n"
        + "    meta: Meta = Field(default_factory=lambda: Meta(title='x'))\n"
        + "    deals: list[Deal] = []\n",
        r"Root\.meta \(Meta\)\.title: a metadata field needs a default",
    ),
    "metadata model without a default": (
        _ITEM
        + "class Meta(StrictModel):\n    title: str | None = None\n"
        + "class Root(StrictModel):\n    meta: Meta\n    deals: list[Deal] = []\n",
        r"Root\.meta \(Meta\): a metadata model needs a default",
    ),
}


def _task(folder: Path, schema: str) -> Path:
    folder.mkdir()
    (folder / "schema.py").write_text(_HEAD + schema, encoding="utf-8")
    (folder / "task.toml").write_text('[task]\nname = "t"\nschema = "schema.py:Root"\n')
    return folder


@pytest.mark.parametrize("case", CASES)
def test_an_unusable_schema_is_refused_when_the_task_loads(tmp_path: Path, case: str) -> None:
    schema, message = CASES[case]
    folder = _task(tmp_path / case.replace(" ", "_"), schema)
    with pytest.raises(SchemaError, match=message) as refused:
        load_task(str(folder))
    assert str(folder / "task.toml") in str(refused.value)


def test_a_metadata_model_with_defaults_loads(tmp_path: Path) -> None:
    schema = (
        _ITEM
        + "class Meta(StrictModel):\n    title: str | None = None\n"
        + "class Root(StrictModel):\n    meta: Meta = Field(default_factory=Meta)"
        + "\n    deals: list[Deal] = []\n"
    )
    task = load_task(str(_task(tmp_path / "ok", schema)))
    assert list(task.schema.record_types) == ["deals"]
