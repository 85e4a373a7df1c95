"""Scoring thresholds, in one frozen model so every report can say exactly how it was scored."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Bump when a change to matching or categories can move a score: baselines record it, so a
# regression caused by the scorer is told apart from one caused by the extractor.
SCORER_VERSION = "2.0.0"


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
        description=(
            "Relative distance from the gold value within which a figure can be aligned (its "
            "key). Whether the aligned value is *right* is figure_value_tolerance's business."
        ),
    )
    figure_value_tolerance: float | None = Field(
        default=None,
        ge=0.0,
        description=(
            "None: an aligned figure's value is right when it equals gold at the precision the "
            "gold raw text states (half a unit of its last written digit, times its scale "
            "word: '₹272 crore' ± ₹0.5 crore, '18,000' ± 0.5). A number: a relative "
            "tolerance against the gold value instead."
        ),
    )
    spec_overrides: bool = Field(
        default=True,
        description=(
            "Use the hand-tuned specs a root model registers (the seed schema's) instead of "
            "those derived from its markers; off shows how far the markers alone get."
        ),
    )
    bootstrap_resamples: int = Field(default=1000, ge=1)
    bootstrap_seed: int = 20240531
    confidence: float = Field(default=0.95, gt=0.0, lt=1.0)
    interval_method: Literal["auto", "jackknife_t", "percentile_bootstrap"] = Field(
        default="jackknife_t",
        description=(
            "jackknife_t: leave one document out, Student t (measured coverage 93-95 % from 5 "
            "to 50 documents); percentile_bootstrap: 82 % at 5 documents, 93 % at 50; auto: "
            "jackknife-t below small_sample_documents documents, bootstrap from then on."
        ),
    )
    small_sample_documents: int = Field(default=20, ge=2)
    permutations: int = Field(
        default=10_000,
        ge=1,
        description=(
            "Paired permutation test of compare: exact when 2^documents is at most this, "
            "otherwise this many random swaps under bootstrap_seed."
        ),
    )
