"""One typed configuration object for a run, instead of many loose parameters.

The same object drives the CLI, the service and the cache key, and its hash names the
configuration in every output, so `--resume` can tell whether a finished document was produced
under the settings now in force.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class CacheMode(StrEnum):
    AUTO = "auto"
    REPLAY = "replay"
    RECORD = "record"
    OFF = "off"


class _Config(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProviderConfig(_Config):
    kind: Literal["embedded", "openai"] = Field(
        default="embedded",
        description="embedded: llama.cpp in process; openai: any compatible HTTP endpoint.",
    )
    model: str | None = Field(
        default=None, description="Model name; the embedded model's own by default."
    )
    base_url: str | None = Field(default=None, description="Endpoint for the openai provider.")
    api_key_env: str = Field(
        default="OPENAI_API_KEY", description="Environment variable holding the key."
    )
    mode: Literal["tools", "json_schema", "json"] | None = Field(
        default=None, description="instructor mode; chosen per backend when unset."
    )
    timeout_s: float = Field(default=120.0, gt=0)
    model_path: Path | None = Field(
        default=None, description="GGUF file for the embedded provider."
    )
    n_ctx: int = Field(default=2048, ge=256)
    n_threads: int | None = Field(default=None, ge=1)


class SamplingConfig(_Config):
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(default=160, ge=1)
    repeat_penalty: float = Field(default=1.3, ge=1.0)
    seed: int = 0
    record_max_tokens: int = Field(
        default=8192,
        ge=1,
        description="max_tokens of a call that answers with a whole record (document strategy).",
    )


class RetryConfig(_Config):
    max_attempts: int = Field(default=5, ge=1, description="Transport attempts per model call.")
    max_total_s: float = Field(default=120.0, gt=0, description="Time budget per model call.")
    initial_backoff_s: float = Field(default=0.5, ge=0)
    max_backoff_s: float = Field(default=20.0, ge=0)
    max_reasks: int = Field(default=1, ge=0, description="Re-asks after a validation failure.")


class CacheConfig(_Config):
    mode: CacheMode = CacheMode.AUTO
    dir: Path = Path("cassettes")


class ExtractionConfig(_Config):
    chunk_chars: int = Field(
        default=0, ge=0, description="Group sentences up to this many characters; 0: one each."
    )
    max_items: int = Field(default=4, ge=1, description="List-length cap per call.")
    isolate: bool = Field(default=True, description="Extract from the main article only.")
    max_chars: int = Field(
        default=200_000, ge=1, description="Longer documents are refused, not truncated."
    )
    prompt_id: str | None = Field(
        default=None,
        description="Prompt set; unset means the strategy's own (mentions-v1, document-v1).",
    )
    prompt_dir: Path | None = Field(
        default=None,
        description=(
            "Folder holding prompt sets, one subfolder per id; unset means the strategy's own "
            "packaged folder. Not in the fingerprint: the prompt set's content hash is."
        ),
    )
    strategy: Literal["auto", "document", "sentences"] = Field(
        default="auto",
        description=(
            "How an article is read. auto: sentences for the embedded model, document for an "
            "OpenAI-compatible endpoint."
        ),
    )
    passes: int = Field(
        default=1, ge=1, le=5, description="Readings of each chunk (document); extras add recall."
    )
    chunk_tokens: int = Field(
        default=6000,
        ge=200,
        description="Article tokens per chunk (document strategy); a shorter article is one chunk.",
    )
    chunk_overlap_tokens: int = Field(
        default=200, ge=0, description="Tokens of the previous chunk repeated at a chunk's start."
    )


DEFAULT_PROMPTS = {"sentences": "mentions-v1", "document": "document-v1"}


class RunConfig(_Config):
    provider: ProviderConfig = Field(default_factory=ProviderConfig)
    sampling: SamplingConfig = Field(default_factory=SamplingConfig)
    retry: RetryConfig = Field(default_factory=RetryConfig)
    cache: CacheConfig = Field(default_factory=CacheConfig)
    extraction: ExtractionConfig = Field(default_factory=ExtractionConfig)
    concurrency: int = Field(default=4, ge=1, le=256)
    task: str = Field(
        default="seeds",
        description=(
            "The task: its schema, prompts, gold and corpus (extractor_schemas.tasks.load_task: "
            "seeds, a name under tasks/, a folder or an importable package). In the fingerprint."
        ),
    )

    def is_seed_task(self) -> bool:
        """The seed domain, the only task the sentence strategy reads."""
        return self.task == "seeds"

    def strategy_name(self) -> str:
        """`auto` resolved: the sentence reader for the embedded 270M model, whole records for an
        OpenAI-compatible endpoint (which serves models that can read a whole article)."""
        chosen = self.extraction.strategy
        if chosen != "auto":
            return chosen
        if not self.is_seed_task():
            return "document"  # the sentence reader is built for the seed schema only
        return "sentences" if self.provider.kind == "embedded" else "document"

    def prompt_set_id(self) -> str:
        """The prompt set in force: the one configured, else the chosen strategy's own."""
        return self.extraction.prompt_id or DEFAULT_PROMPTS[self.strategy_name()]

    def fingerprint(
        self, prompt_sha256: str, model: Mapping[str, object], task_sha256: str | None = None
    ) -> str:
        """Hash of exactly what decides outputs, so `--resume` and the service keep a finished
        document only when it would come out the same now.

        In: the model as the provider names it (`Provider.identity()`: kind, model, the GGUF
        file's SHA-256, instructor mode), sampling, extraction settings with the strategy and
        prompt set resolved (so `auto` and the name it picks hash alike), the prompt set's
        content hash, and the re-ask budget (a re-ask can turn a failed answer into facts).
        Out: the cache folder and mode, transport retries and timeouts, the endpoint URL and
        key, threads, context size and concurrency, none of which changes an answer.
        `Pipeline.fingerprint()` calls this with its provider and prompts.
        """
        extraction = self.extraction.model_dump(mode="json", exclude={"prompt_dir"})
        extraction.update(strategy=self.strategy_name(), prompt_id=self.prompt_set_id())
        decisive = {
            "model": dict(model),
            "sampling": self.sampling.model_dump(mode="json"),
            "extraction": extraction,
            "prompt_sha256": prompt_sha256,
            "max_reasks": self.retry.max_reasks,
        }
        if not self.is_seed_task():  # the seed task's fingerprints stay those already recorded
            decisive["task"] = {"name": self.task, "schema_sha256": task_sha256}
        blob = json.dumps(decisive, sort_keys=True, separators=(",", ":"), default=str)
        return hashlib.sha256(blob.encode()).hexdigest()


def load_config(path: Path | None) -> RunConfig:
    """A TOML file with the same sections as RunConfig; no file means the defaults."""
    if path is None:
        return RunConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"cannot read configuration {path}: {exc}") from exc
    return RunConfig.model_validate(data)
