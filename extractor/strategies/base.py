"""The strategy seam: how one isolated article becomes a record, behind one small protocol.

The pipeline owns what every strategy shares (the document, main-article isolation, grounding,
the output line); a strategy owns only the reading. Strategies register a factory by name, so
the pipeline, the batch runner and the service never import a strategy's internals, and a new
way of reading is one package plus one `register` call.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar, Protocol

from pydantic import BaseModel

from extractor.config import RunConfig
from extractor.isolate import MainArticle
from extractor.model_call import ModelCaller
from extractor.prompting import PromptSet
from extractor_schemas.prediction import RejectedItem

# Strategy packages, imported on first use so that registering needs no central list of imports.
_MODULES = {
    "document": "extractor.strategies.document",
    "sentences": "extractor.strategies.sentences",
}


@dataclass(frozen=True)
class IsolatedDocument:
    """One document as a strategy receives it: the page, and where its main story is."""

    doc_id: str
    text: str
    main: MainArticle


@dataclass(frozen=True)
class Reading:
    """A strategy's answer: an ungrounded record (an instance of the task's root model), and
    every item it could not keep, with why."""

    record: BaseModel
    rejected: list[RejectedItem] = field(default_factory=list)


class Strategy(Protocol):
    """Reads one isolated document; the pipeline grounds and writes what it returns."""

    name: ClassVar[str]

    @property
    def prompts(self) -> PromptSet: ...

    async def read(self, doc: IsolatedDocument) -> Reading: ...


StrategyFactory = Callable[[ModelCaller, RunConfig], Strategy]
_REGISTRY: dict[str, StrategyFactory] = {}


def register(name: str) -> Callable[[StrategyFactory], StrategyFactory]:
    def decorate(factory: StrategyFactory) -> StrategyFactory:
        _REGISTRY[name] = factory
        return factory

    return decorate


def create_strategy(caller: ModelCaller, config: RunConfig) -> Strategy:
    """The configured strategy (`auto` resolved by `RunConfig.strategy_name`)."""
    name = config.strategy_name()
    if name == "sentences" and not config.is_seed_task():
        raise ValueError(
            f"the sentences strategy is built for the seed schema (task {config.task!r}); "
            "use --strategy document"
        )
    if name not in _REGISTRY and name in _MODULES:
        importlib.import_module(_MODULES[name])
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown strategy {name!r} (known: {sorted(_MODULES)})") from None
    return factory(caller, config)
