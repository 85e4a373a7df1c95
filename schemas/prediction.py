"""One line of `predictions.jsonl`: the contract between extraction, the service and the eval.

It lives in `schemas/` so the eval can read predictions without importing the extractor.
"""

from __future__ import annotations

from typing import Any, Generic

from pydantic import BaseModel, ConfigDict, Field
from typing_extensions import TypeVar

from extractor_schemas.records import ArticleRecord

R = TypeVar("R", bound=BaseModel, default=ArticleRecord)
"""The task's root record; the seed schema's unless the line is parametrised with another."""


class RejectedItem(BaseModel):
    """A fact the model proposed that grounding refused, kept so nothing is silently lost."""

    model_config = ConfigDict(extra="forbid")

    record_type: str = Field(
        description="Field name of the list it would have joined, e.g. 'figures'."
    )
    item: dict[str, Any] = Field(description="The proposed record as the model gave it.")
    reason: str = Field(description="Why it was rejected, for a reviewer.")


class Usage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt_tokens: int = 0
    completion_tokens: int = 0
    calls: int = 0
    cache_hits: int = 0
    retries: int = Field(default=0, description="Transport retries made by this run.")
    reasks: int = 0
    recorded_retries: int = Field(
        default=0, description="Transport retries the replayed answers took when recorded."
    )
    cost_usd: float = Field(
        default=0.0,
        description="What the calls paid by this run cost at the configured prices (replayed "
        "answers cost nothing now; Batch API calls at its discount).",
    )

    def plus(self, other: Usage) -> Usage:
        """Field-wise sum, so run totals are added up the same way as per-document usage."""
        return Usage(
            **{name: getattr(self, name) + getattr(other, name) for name in Usage.model_fields}
        )


# `PredictionLine` reads and writes a seed record, `PredictionLine[FundingRecord]` (see
# `line_type`) another task's: a line is validated against the schema it was run with. (The
# docstring is the OpenAPI description, unchanged.)
class PredictionLine(BaseModel, Generic[R]):
    """Everything a run says about one document; `error` set means `record` is absent."""

    model_config = ConfigDict(extra="forbid")

    id: str
    source_sha256: str = Field(description="SHA-256 of the document as submitted (UTF-8).")
    text: str | None = Field(
        default=None,
        description=(
            "The text every span indexes, when it is not the submitted one: an HTML page's "
            "visible text. Absent, the spans index the submitted text."
        ),
    )
    text_sha256: str | None = Field(default=None, description="SHA-256 of `text`, when set.")
    record: R | None = None
    rejected: list[RejectedItem] = Field(default_factory=list)
    usage: Usage = Field(default_factory=Usage)
    latency_s: float = Field(
        default=0.0,
        description=(
            "Wall-clock seconds the document took when it waited on a model; 0.0 when every "
            "answer was replayed, so a replayed run's lines are the same on any machine."
        ),
    )
    provider: str = ""
    model: str = ""
    strategy: str = Field(default="", description="How the article was read, e.g. 'document'.")
    prompt_id: str = ""
    prompt_sha256: str = ""
    config_sha256: str = ""
    error: str | None = None


def line_type(root: type[BaseModel]) -> type[PredictionLine[Any]]:
    """The line whose record is `root`: the plain `PredictionLine` for the seed schema (its
    JSON Schema and OpenAPI name unchanged), else `PredictionLine[root]`."""
    if root is ArticleRecord:
        return PredictionLine
    return PredictionLine[root]  # type: ignore[valid-type]
