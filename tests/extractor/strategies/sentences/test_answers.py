"""Response models: `extraction.max_items` caps every list answer; the default keeps requests."""

from __future__ import annotations

import pytest
from instructor.processing.function_calls import openai_schema
from pydantic import ValidationError

from extractor.config import ExtractionConfig
from extractor.strategies.sentences.answers import (
    DEFAULT_MAX_ITEMS,
    MAX_DESTINATIONS,
    ExportAnswer,
    Names,
    export_model,
    names_model,
)


def test_the_default_cap_is_the_config_default() -> None:
    assert ExtractionConfig().max_items == DEFAULT_MAX_ITEMS


def test_the_default_cap_keeps_the_recorded_schema() -> None:
    # The schema is part of each request and so of its cache key: the seeds' cassettes hold it.
    assert names_model() is Names
    assert (
        names_model(DEFAULT_MAX_ITEMS).model_json_schema()["properties"]["names"]["maxItems"] == 4
    )
    default = export_model(["Xiaomi", "Dixon"])
    assert default.model_json_schema()["properties"]["destinations"]["maxItems"] == 3


@pytest.mark.parametrize("cap", [1, 2, 6, 10])
def test_names_are_capped_at_max_items(cap: int) -> None:
    model = names_model(cap)
    assert model.model_json_schema()["properties"]["names"]["maxItems"] == cap
    assert model(names=[f"Firm {i}" for i in range(cap)]).names == [f"Firm {i}" for i in range(cap)]
    with pytest.raises(ValidationError):
        model(names=[f"Firm {i}" for i in range(cap + 1)])


@pytest.mark.parametrize("cap", [1, 2, 6, 10])
def test_a_capped_model_is_asked_under_the_same_name_and_description(cap: int) -> None:
    schema, default = openai_schema(names_model(cap)), openai_schema(Names)
    assert (schema.openai_schema["name"], schema.openai_schema["description"]) == (
        default.openai_schema["name"],
        default.openai_schema["description"],
    )


@pytest.mark.parametrize(("cap", "destinations"), [(1, 1), (2, 2), (3, 3), (4, 3), (10, 3)])
def test_destinations_are_capped_at_max_items_and_three(cap: int, destinations: int) -> None:
    model = export_model(["Xiaomi"], cap)
    schema = model.model_json_schema()["properties"]["destinations"]
    assert schema["maxItems"] == min(cap, MAX_DESTINATIONS) == destinations
    assert issubclass(model, ExportAnswer)
    with pytest.raises(ValidationError):
        model(exporter="Xiaomi", destinations=["US"] * (destinations + 1), status="planned")


@pytest.mark.parametrize("cap", [0, -1])
def test_a_cap_below_one_is_refused(cap: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        names_model(cap)
    with pytest.raises(ValueError, match="at least 1"):
        export_model(["Xiaomi"], cap)
