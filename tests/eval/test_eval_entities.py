"""Reference resolution to gold entities (eval/entities.py)."""

from __future__ import annotations

from extractor_eval.entities import Resolver
from tests.eval.evalfixtures import company, partnership, record, rich_gold


def test_gold_reference_resolves_by_name_and_alias() -> None:
    resolver = Resolver(rich_gold(), None, 0.85)
    assert resolver.gold_ref("Dixon Technologies") == ("companies", 1)
    assert resolver.gold_ref("Dixon") == ("companies", 1)
    assert resolver.gold_ref("DIXON TECHNOLOGIES LTD.") == ("companies", 1)
    assert resolver.gold_ref("Counterpoint") == ("organizations", 0)


def test_predicted_reference_resolves_through_its_own_entity_forms() -> None:
    # The prediction calls the firm "Mi" everywhere but lists "Xiaomi Corp" as its alias.
    pred = record(
        companies=[company("Mi", "Xiaomi Corp"), company("Padget Electronics")],
        partnerships=[partnership("Mi", "Padget Electronics")],
    )
    resolver = Resolver(rich_gold(), pred, 0.85)
    assert resolver.pred_ref("Mi") == ("companies", 4)


def test_fuzzy_resolution_above_threshold_only() -> None:
    resolver = Resolver(rich_gold(), None, 0.85)
    assert resolver.pred_ref("Transion Holdings") == ("companies", 0)
    assert resolver.pred_ref("Tecno Mobile") is None
