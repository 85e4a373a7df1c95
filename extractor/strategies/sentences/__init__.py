"""The sentence strategy: today's reader for the embedded 270M model, behind the strategy seam.

About 38 narrow calls per article, one sentence and one question at a time, with cue-word rules
for statuses and kinds: right for a 270M model. The package holds all of it: the questions
(`extract`, `answers`, `prompts/`), the rules (`cues`, `names`, `preextract`) and `assemble`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import ClassVar

from extractor.chunk import chunk, sentences
from extractor.config import RunConfig
from extractor.model_call import ModelCaller
from extractor.prompting import PromptSet, load_prompts
from extractor.strategies.base import IsolatedDocument, Reading, register
from extractor.strategies.sentences.assemble import assemble
from extractor.strategies.sentences.extract import ArticleFindings, SentenceReader, read_article
from extractor_schemas.prediction import RejectedItem

PROMPTS_DIR = Path(__file__).parent / "prompts"


class SentenceStrategy:
    name: ClassVar[str] = "sentences"

    def __init__(self, caller: ModelCaller, config: RunConfig) -> None:
        self._caller = caller
        self._chunk_chars = config.extraction.chunk_chars
        root = config.extraction.prompt_dir or PROMPTS_DIR
        self._prompts = load_prompts(config.prompt_set_id(), root)

    @property
    def prompts(self) -> PromptSet:
        return self._prompts

    async def read(self, doc: IsolatedDocument) -> Reading:
        spans = await asyncio.to_thread(sentences, doc.text, doc.main.paragraphs)
        chunks = chunk(spans, self._chunk_chars)
        reader = SentenceReader(self._caller, self._prompts)
        main_span = doc.main.span or (0, len(doc.text))
        findings = await read_article(reader, doc.text, chunks, main_span)
        record = await asyncio.to_thread(assemble, doc.doc_id, doc.main, findings)
        return Reading(record, [*_dropped(findings), *_unanswered(findings)])


def _dropped(findings: ArticleFindings) -> list[RejectedItem]:
    """Names the model gave that cannot be kept (not in the sentence, or already taken)."""
    return [
        RejectedItem(record_type=task, item={"name": name, "evidence": s.text}, reason=reason)
        for s in findings.sentences
        for task, name, reason in s.dropped
    ]


def _unanswered(findings: ArticleFindings) -> list[RejectedItem]:
    return [
        RejectedItem(
            record_type="call",
            item={"detail": u},
            reason="answer failed validation after all re-asks",
        )
        for u in findings.unanswered
    ]


@register(SentenceStrategy.name)
def _factory(caller: ModelCaller, config: RunConfig) -> SentenceStrategy:
    return SentenceStrategy(caller, config)
