"""The document strategy: a capable endpoint reads the whole isolated article into one record.

instructor's central pattern, the schema as the response model with validation errors fed back
as re-asks, plus LangExtract's: chunked reading of long articles, optional extra passes for
recall, every extraction grounded. Per chunk and pass there is one call (plus bounded re-asks),
so an article costs a handful of calls instead of one per sentence and question. The system
message and the schema are the same bytes for every document, so an endpoint's prompt cache
can reuse them; only the article differs.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from openai.types.chat import ChatCompletion
from pydantic import BaseModel, ValidationError, ValidationInfo, create_model, model_validator

from extractor.config import RunConfig
from extractor.isolate import MainArticle
from extractor.model_call import CallOptions, ModelCaller, ValidationExhausted
from extractor.prompting import PromptSet, load_prompts
from extractor.strategies.base import IsolatedDocument, Reading, register
from extractor.strategies.document.checks import Checked, Problem, check_answer
from extractor.strategies.document.chunks import ArticleChunk, chunk_article
from extractor.strategies.document.merge import drop_unlisted, merge_answers
from extractor.strategies.document.model import (
    item_models,
    metadata_models,
    reading_model,
    register_root,
)
from extractor_schemas.markers import describe
from extractor_schemas.prediction import RejectedItem
from extractor_schemas.tasks import Task, load_task

PROMPTS_DIR = Path(__file__).parent / "prompts"


def _grounded(answer: BaseModel, info: ValidationInfo) -> BaseModel:
    """Re-ask when an item is not in the text it was read from (the text comes as context)."""
    context = info.context
    text = context.get("text") if isinstance(context, Mapping) else None
    if isinstance(text, str):
        checked = check_answer(answer, text)
        if checked.problems:
            raise ValueError(checked.error_message())
    return answer


@functools.cache
def response_model(root: type[BaseModel]) -> type[BaseModel]:
    """The derived schema with the grounding check that turns a miss into a re-ask."""
    base = reading_model(root)
    validator: Any = model_validator(mode="after")(_grounded)
    model = create_model(
        base.__name__, __base__=base, __doc__=base.__doc__, __validators__={"grounded": validator}
    )
    register_root(model, root)
    return model


@dataclass
class _ChunkResult:
    checked: Checked = field(default_factory=Checked)
    rejected: list[RejectedItem] = field(default_factory=list)


class DocumentStrategy:
    name: ClassVar[str] = "document"

    def __init__(self, caller: ModelCaller, config: RunConfig) -> None:
        self._caller = caller
        self._config = config
        self._task: Task = load_task(config.task)
        root = config.extraction.prompt_dir or self._task.prompt_dir or PROMPTS_DIR
        self._prompts = load_prompts(config.prompt_set_id(), root)
        missing = {"system", "user"} - set(self._prompts.templates)
        if missing:
            raise ValueError(f"prompt set {self._prompts.id!r} lacks {sorted(missing)}")
        self._limits: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    @property
    def prompts(self) -> PromptSet:
        return self._prompts

    def _limit(self) -> asyncio.Semaphore:
        """Chunk calls share the run's concurrency; a semaphore belongs to one event loop."""
        loop = asyncio.get_running_loop()
        if loop not in self._limits:
            self._limits = {loop: asyncio.Semaphore(self._config.concurrency)}
        return self._limits[loop]

    async def read(self, doc: IsolatedDocument) -> Reading:
        extraction = self._config.extraction
        chunks = await asyncio.to_thread(
            chunk_article,
            doc.text,
            doc.main,
            extraction.chunk_tokens,
            extraction.chunk_overlap_tokens,
        )
        jobs = [(c, p) for c in chunks for p in range(extraction.passes)]
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self._read_chunk(c, p)) for c, p in jobs]
        except ExceptionGroup as failed:  # a transport failure fails the document, as a whole
            raise failed.exceptions[0] from None
        results = [t.result() for t in tasks]
        root = self._task.root
        items = merge_answers(describe(root), [r.checked.items for r in results])
        rejected = [r for result in results for r in result.rejected]
        rejected += drop_unlisted(describe(root), items)
        metadata = _metadata(root, doc.main, [r.checked.metadata for r in results])
        if "doc_id" in root.model_fields:
            metadata["doc_id"] = doc.doc_id
        return Reading(root(**metadata, **items), rejected)

    async def _read_chunk(self, chunk: ArticleChunk, pass_index: int) -> _ChunkResult:
        options = CallOptions(
            system=self._prompts.templates["system"].template,
            max_tokens=self._config.sampling.record_max_tokens,
            seed_offset=pass_index,
            context={"text": chunk.text},
        )
        prompt = self._prompts.templates["user"].substitute(article=chunk.text)
        async with self._limit():
            try:
                answer = await self._caller.ask(response_model(self._task.root), prompt, options)
            except ValidationExhausted as exc:
                return await asyncio.to_thread(_salvage, self._task.root, exc, chunk)
        checked = await asyncio.to_thread(check_answer, answer, chunk.text)
        return _ChunkResult(checked, _rejections(checked.problems))


def _salvage(root: type[BaseModel], exc: ValidationExhausted, chunk: ArticleChunk) -> _ChunkResult:
    """After the last re-ask: keep the items of the final answer that pass, report the rest."""
    data = _answer_json(exc.last_completion)
    if data is None:
        item = {"chunk": [chunk.start, chunk.end], "detail": str(exc)[:2000]}
        reason = "answer failed validation after all re-asks"
        return _ChunkResult(rejected=[RejectedItem(record_type="call", item=item, reason=reason)])
    answer, problems = _lenient(root, data)
    checked = check_answer(answer, chunk.text)
    checked.problems[:0] = problems
    return _ChunkResult(checked, _rejections(checked.problems))


def _answer_json(completion: ChatCompletion | None) -> dict[str, Any] | None:
    """The JSON object a completion carries, as a tool call's arguments or as its content."""
    if completion is None or not completion.choices:
        return None
    message = completion.choices[0].message
    calls = message.tool_calls or []
    raw = calls[0].function.arguments if calls else (message.content or "")  # type: ignore[union-attr]
    raw = raw.strip().removeprefix("```json").removeprefix("```").removesuffix("```")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def _lenient(root: type[BaseModel], data: dict[str, Any]) -> tuple[BaseModel, list[Problem]]:
    """The answer item by item: an item that does not fit its type is reported, not fatal."""
    models = item_models(root)
    problems: list[Problem] = []
    lists: dict[str, list[BaseModel]] = {}
    for record_type in models:
        raw_items = data.get(record_type)
        lists[record_type] = []
        for index, raw in enumerate(raw_items if isinstance(raw_items, list) else []):
            try:
                lists[record_type].append(models[record_type].model_validate(raw))
            except ValidationError as exc:
                item = raw if isinstance(raw, dict) else {"value": raw}
                reason = f"does not fit the schema: {exc.errors()[0]['msg']}"
                problems.append(Problem(record_type, index, item, reason))
    values: dict[str, Any] = dict(lists)
    for name, (_, asked) in metadata_models(root).items():
        try:
            values[name] = asked.model_validate(data[name]) if data.get(name) else None
        except ValidationError:
            values[name] = None  # metadata is never worth losing the facts for
    return reading_model(root).model_construct(**values), problems


def _rejections(problems: list[Problem]) -> list[RejectedItem]:
    return [RejectedItem(record_type=p.record_type, item=p.item, reason=p.reason) for p in problems]


# Metadata fields isolation finds itself (a page's headline, date and dateline), by name.
_ISOLATED = ("title", "published", "dateline")


def _metadata(
    root: type[BaseModel], main: MainArticle, answered: list[dict[str, BaseModel]]
) -> dict[str, Any]:
    """Each metadata field of the root: the first chunk's answer, with isolation's title,
    date and dateline where it found them and the main article's span (fields of those names)."""
    values: dict[str, Any] = {}
    for name, (model, _) in metadata_models(root).items():
        given = next((a[name] for a in answered if name in a), None)
        fields: dict[str, Any] = given.model_dump() if given is not None else {}
        for key in _ISOLATED:
            found = getattr(main, key, None)
            if key in model.model_fields and found:
                fields[key] = found
        if "main_span" in model.model_fields:
            fields["main_span"] = main.span
        values[name] = model(**fields)
    return values


@register(DocumentStrategy.name)
def _factory(caller: ModelCaller, config: RunConfig) -> DocumentStrategy:
    return DocumentStrategy(caller, config)
