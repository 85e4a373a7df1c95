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
    kind: Literal["embedded", "openai", "openai-batch"] = Field(
        default="embedded",
        description=(
            "embedded: llama.cpp in process; openai: any compatible HTTP endpoint; "
            "openai-batch: the same model through the Batch API, in rounds, at its discount."
        ),
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


class EngineConfig(_Config):
    """Where documents run; the driver always writes the output, so every engine writes the
    same lines. None of this is in the fingerprint: it changes no answer."""

    kind: Literal["local", "ray"] = Field(
        default="local", description="local: this machine; ray: actors on a Ray cluster."
    )
    workers: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description=(
            "local: processes running documents, each with its own event loop and pipeline "
            "(the parent writes). Unset: chosen per run (1 for an in-process model, small runs "
            "and Batch API rounds; else 2). 1 runs everything in this process."
        ),
    )
    ray_address: str | None = Field(
        default=None,
        description="ray: cluster to join; unset means $RAY_ADDRESS, else a local cluster.",
    )
    actors: int = Field(default=2, ge=1, le=4096, description="ray: pipeline actors.")
    actor_cpus: float = Field(
        default=0.25,
        gt=0,
        description=(
            "ray: logical CPUs an actor reserves. Fractional on purpose: actors at 1 CPU each "
            "can take every CPU and leave none for the read tasks (the job then hangs)."
        ),
    )
    no_progress_timeout_s: float = Field(
        default=600.0, gt=0, description="ray: fail a job that makes no progress this long."
    )
    local_cpus: int | None = Field(
        default=None, ge=1, description="ray: logical CPUs a local cluster declares."
    )


class BatchApiConfig(_Config):
    """The OpenAI Batch API rounds (provider openai-batch)."""

    max_requests: int = Field(
        default=50_000, ge=1, description="Requests per batch job (the API allows 50,000)."
    )
    documents_per_round: int = Field(
        default=10_000,
        ge=1,
        description="Documents in flight while a round is collected: each round's batch "
        "holds their pending requests.",
    )
    poll_s: float = Field(default=30.0, gt=0, description="Seconds between status polls.")
    completion_window: str = Field(default="24h")
    idle_submit_s: float = Field(
        default=5.0,
        gt=0,
        description="Send a round anyway when requests wait this long with none added (a "
        "document held up by something other than the round must not stall it).",
    )
    max_submissions: int = Field(
        default=3,
        ge=1,
        description="Batches one request may ride in (an expired batch's undone requests "
        "go into the next round); after that the document fails.",
    )


class CostConfig(_Config):
    """Prices, for a cost in every output line and the run summary, and an optional budget."""

    prompt_usd_per_mtok: float = Field(default=0.0, ge=0)
    completion_usd_per_mtok: float = Field(default=0.0, ge=0)
    batch_discount: float = Field(
        default=0.5, gt=0, le=1, description="Price factor of the Batch API."
    )
    budget_usd: float | None = Field(
        default=None,
        gt=0,
        description="Stop starting documents once the run has spent this much; "
        "finished work is kept and --resume continues.",
    )

    def of(self, prompt_tokens: int, completion_tokens: int, provider_kind: str) -> float:
        """What these tokens cost at the configured prices (the batch discount applied)."""
        usd = (
            prompt_tokens * self.prompt_usd_per_mtok
            + completion_tokens * self.completion_usd_per_mtok
        ) / 1e6
        return usd * (self.batch_discount if provider_kind == "openai-batch" else 1.0)


DEFAULT_PROMPTS = {"sentences": "mentions-v1", "document": "document-v1"}


class RunConfig(_Config):
    provider: ProviderConfig = Field(default_factory=ProviderConfig)
    sampling: SamplingConfig = Field(default_factory=SamplingConfig)
    retry: RetryConfig = Field(default_factory=RetryConfig)
    cache: CacheConfig = Field(default_factory=CacheConfig)
    extraction: ExtractionConfig = Field(default_factory=ExtractionConfig)
    concurrency: int = Field(default=4, ge=1, le=256)
    engine: EngineConfig = Field(default_factory=EngineConfig)
    batch: BatchApiConfig = Field(default_factory=BatchApiConfig)
    cost: CostConfig = Field(default_factory=CostConfig)
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
            # The schema decides, not how `--task` was spelled ("funding", "tasks/funding", a
            # path): one task resumes under any of its spellings.
            decisive["task"] = {"schema_sha256": task_sha256}
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
