"""The whole flow for one document, in order:

document → main-article isolation → strategy (model calls through the cache, validated answers,
one record) → grounding → one `PredictionLine`.

The strategy is chosen by name (`extraction.strategy`); this module knows only its protocol.

The CLI batch and the HTTP service both call `Pipeline.extract`, so they cannot drift apart.
A failure of one document becomes that document's error line; it never escapes to the batch.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

from extractor.cache import CacheError, CacheMissError, ResponseCache
from extractor.config import RunConfig
from extractor.documents import Document
from extractor.grounding import ground_record
from extractor.isolate import MainArticle, Paragraph, isolate
from extractor.model_call import ModelCaller, start_document
from extractor.prompting import PromptSet
from extractor.providers.base import Provider, RoundProvider, TransportError, create_provider
from extractor.strategies.base import IsolatedDocument, Strategy, create_strategy
from extractor_schemas.prediction import PredictionLine, Usage, line_type
from extractor_schemas.tasks import Task, load_task

_UNBOUNDED = 1 << 30


class DocumentTooLong(ValueError):
    """Refused before any model call: a runaway input would otherwise cost thousands of calls."""


def main_article(text: str, enabled: bool) -> MainArticle:
    """The isolated story; the whole page as one paragraph if isolation is off or finds none."""
    found = isolate(text) if enabled else MainArticle(())
    if found.paragraphs:
        return found
    start = len(text) - len(text.lstrip())
    return MainArticle((Paragraph(start, len(text.rstrip())),))


def _latency(stats: Usage, started: float) -> float:
    """The document's wall-clock time if a model answered it now; 0.0 if every answer was
    replayed (or it asked none), like its cost: a replay's timing is the machine's, so leaving
    it out makes a replayed run the same bytes on any engine and at any concurrency."""
    if stats.calls == stats.cache_hits:
        return 0.0
    return round(time.perf_counter() - started, 3)


@dataclass
class Pipeline:
    config: RunConfig
    provider: Provider
    cache: ResponseCache
    caller: ModelCaller = field(init=False)
    strategy: Strategy = field(init=False)
    task: Task = field(init=False)

    def __post_init__(self) -> None:
        self.task = load_task(self.config.task)  # a task the pipeline cannot use fails here
        # One instructor-patched caller per pipeline; per-document stats live in contextvars.
        self.caller = ModelCaller(self.provider, self.cache, self.config)
        self.strategy = create_strategy(self.caller, self._strategy_config())

    def _strategy_config(self) -> RunConfig:
        """For a batch API, a strategy's own call limit would hold back requests that belong
        in the round being collected (the round waits for them: no progress); its calls cost
        nothing until the round goes out, so the limit is lifted. Concurrency is not in the
        fingerprint."""
        if not isinstance(self.provider, RoundProvider):
            return self.config
        return self.config.model_copy(update={"concurrency": _UNBOUNDED})

    @property
    def prompts(self) -> PromptSet:
        """The chosen strategy's prompt set, named in the manifest and every output line."""
        return self.strategy.prompts

    @classmethod
    def from_config(cls, config: RunConfig, provider: Provider | None = None) -> Pipeline:
        return cls(
            config=config,
            provider=provider or create_provider(config),
            cache=ResponseCache(config.cache.dir, config.cache.mode),
        )

    def fingerprint(self) -> str:
        """What decides this pipeline's outputs (RunConfig.fingerprint with its model and
        prompts): the CLI's `--resume` and the service compare it before keeping work."""
        return self.config.fingerprint(
            self.prompts.sha256, self.provider.identity(), self.task.sha256
        )

    def _line(self, doc: Document, stats: Usage, started: float) -> PredictionLine[Any]:
        identity = self.provider.identity()
        return line_type(self.task.root)(  # the task's record, validated as that task's
            id=doc.id,
            source_sha256=doc.sha256,
            text=doc.reduced_text,
            text_sha256=doc.reduced_sha256,
            usage=stats.model_copy(),
            latency_s=_latency(stats, started),
            provider=self.provider.name,
            model=str(identity.get("model", "")),
            strategy=self.strategy.name,
            prompt_id=self.prompts.id,
            prompt_sha256=self.prompts.sha256,
            config_sha256=self.fingerprint(),
        )

    def in_flight(self) -> int:
        """Documents to run at once: one over an in-process model (interleaving would only
        stretch each document's latency), a whole round for a batch API, else `concurrency`."""
        if self.provider.serialised:
            return 1
        if isinstance(self.provider, RoundProvider):
            return self.provider.documents_per_round
        return self.config.concurrency

    async def extract(self, doc: Document) -> PredictionLine:
        if isinstance(self.provider, RoundProvider):
            async with self.provider.document():
                return await self._extract_isolated(doc)
        return await self._extract_isolated(doc)

    async def _extract_isolated(self, doc: Document) -> PredictionLine:
        started = time.perf_counter()
        stats = start_document(doc.id)
        try:
            line = await self._extract(doc, stats, started)
        except (TransportError, CacheMissError, CacheError, DocumentTooLong) as exc:
            line = self._line(doc, stats, started)
            line.error = f"{type(exc).__name__}: {exc}"
            if isinstance(exc, TransportError):  # it waited on a model, though none answered
                line.latency_s = round(time.perf_counter() - started, 3)
        except Exception as exc:  # failure isolation: one document never stops a batch
            line = self._line(doc, stats, started)
            line.error = f"internal error {type(exc).__name__}: {exc}"
        return line

    async def _extract(self, doc: Document, stats: Usage, started: float) -> PredictionLine:
        limit = self.config.extraction.max_chars
        if len(doc.text) > limit:
            raise DocumentTooLong(
                f"document has {len(doc.text)} characters, over the limit of {limit} "
                f"(extraction.max_chars): split it, or raise the limit"
            )
        # CPU-bound steps run in a worker thread so a large document does not stall the event
        # loop that other documents' model calls share.
        main = await asyncio.to_thread(main_article, doc.text, self.config.extraction.isolate)
        reading = await self.strategy.read(IsolatedDocument(doc.id, doc.text, main))
        grounded = await asyncio.to_thread(ground_record, reading.record, doc.text)
        line = self._line(doc, stats, started)
        line.record = grounded.record
        line.rejected = [*grounded.rejected, *reading.rejected]
        return line
