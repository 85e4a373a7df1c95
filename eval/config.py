"""Scoring thresholds, in one frozen model so every report can say exactly how it was scored."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# Bump when a change to matching or categories can move a score: baselines record it, so a
# regression caused by the scorer is told apart from one caused by the extractor.
SCORER_VERSION = "1.0.0"


class ScoringConfig(BaseModel):
    """Every knob that changes a score; stored in reports and baselines."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_similarity: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Pairs scoring below this are never aligned (missing + spurious instead).",
    )
    fuzzy_threshold: float = Field(
        default=0.85,
        ge=0.0,
        le=1.0,
        description="rapidfuzz ratio (0-1) above which two normalised names or texts are equal.",
    )
    figure_rel_tolerance: float = Field(
        default=0.01,
        ge=0.0,
        description="Relative tolerance on a figure's value, against the gold value.",
    )
    bootstrap_resamples: int = Field(default=1000, ge=1)
    bootstrap_seed: int = 20240531
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0)
