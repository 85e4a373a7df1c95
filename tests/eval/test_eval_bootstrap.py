"""Intervals over documents and the paired permutation test (eval/bootstrap.py)."""

from __future__ import annotations

import numpy as np
import pytest

from extractor_eval.bootstrap import (
    f1_interval,
    f1_of,
    method_for,
    paired_delta_intervals,
    paired_p_values,
)
from extractor_eval.config import ScoringConfig
from extractor_eval.coverage import coverage, population
from extractor_eval.outcomes import Counts
from extractor_eval.schemes import SCHEMES, Scheme
from extractor_eval.score import prf


def doc_counts(seed: int = 0, docs: int = 40) -> np.ndarray:
    """Per-document (correct, partial, incorrect, missing, spurious) of a mediocre system."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, [12, 3, 2, 4, 4], size=(docs, 5))


def test_vectorised_f1_agrees_with_prf() -> None:
    for row in doc_counts(1, 200):
        counts = Counts(*map(int, row))
        for scheme in SCHEMES:
            assert float(f1_of(row, scheme)) == pytest.approx(prf(counts, scheme).f1)
    assert float(f1_of(np.zeros(5, dtype=np.int64), "strict")) == 1.0


METHODS = ["jackknife_t", "percentile_bootstrap"]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_interval_contains_the_point_estimate(scheme: Scheme, method: str) -> None:
    counts = doc_counts()
    point = float(f1_of(counts.sum(axis=0), scheme))
    interval = f1_interval(counts, ScoringConfig(interval_method=method), scheme)
    assert interval is not None
    assert interval.low < point < interval.high
    assert interval.high - interval.low < 0.2


def test_interval_is_deterministic_under_the_seed() -> None:
    counts = doc_counts()
    boot = ScoringConfig(interval_method="percentile_bootstrap")
    first = f1_interval(counts, boot, "strict")
    again = f1_interval(counts, boot, "strict")
    other = f1_interval(counts, boot.model_copy(update={"bootstrap_seed": 99}), "strict")
    assert first == again
    assert first != other


def test_resample_count_need_not_fill_whole_batches() -> None:
    config = ScoringConfig(bootstrap_resamples=250, interval_method="percentile_bootstrap")
    interval = f1_interval(doc_counts(), config, "strict")
    assert interval is not None and interval.resamples == 250


def test_identical_documents_give_a_zero_width_interval() -> None:
    counts = np.tile([5, 1, 0, 2, 1], (10, 1))
    interval = f1_interval(counts, ScoringConfig(), "strict")
    assert interval is not None
    assert interval.low == pytest.approx(interval.high)


@pytest.mark.parametrize("documents", [0, 1])
def test_under_two_documents_no_interval(documents: int) -> None:
    """One document cannot show how scores vary between documents: no interval, not a
    zero-width one that would look like certainty."""
    counts = np.ones((documents, 5), dtype=np.int64)
    assert f1_interval(counts, ScoringConfig(), "strict") is None


def test_jackknife_t_by_hand() -> None:
    counts = np.array([[4, 0, 0, 1, 1], [1, 0, 0, 3, 0], [3, 0, 0, 0, 2]])
    total = counts.sum(axis=0)
    point = 2 * 8 / (12 + 11)  # 2·COR / (POS + ACT)
    left_out = [2 * c / (g + a) for c, g, a in ((4, 7, 6), (7, 8, 10), (5, 9, 6))]
    mean = sum(left_out) / 3
    se = (2 / 3 * sum((x - mean) ** 2 for x in left_out)) ** 0.5
    half = 4.302652729911275 * se  # t(0.975, 2 degrees of freedom)
    interval = f1_interval(counts, ScoringConfig(), "strict")
    assert interval is not None and interval.method == "jackknife_t"
    assert float(f1_of(total, "strict")) == pytest.approx(point)
    assert (interval.low, interval.high) == pytest.approx(
        (max(point - half, 0), min(point + half, 1))
    )
    assert interval.seed is None and interval.resamples is None


def test_the_jackknife_covers_near_nominal_at_five_documents_where_the_bootstrap_does_not() -> None:
    pop = population(5_000, seed=3)
    jackknife = coverage(pop, 5, ScoringConfig(), "strict", trials=400, seed=11)
    bootstrap = coverage(
        pop,
        5,
        ScoringConfig(interval_method="percentile_bootstrap", bootstrap_resamples=300),
        "strict",
        trials=400,
        seed=11,
    )
    assert jackknife.covered >= 0.9
    assert bootstrap.covered <= 0.87


def test_auto_switches_to_the_bootstrap_from_the_small_sample_limit() -> None:
    config = ScoringConfig(interval_method="auto", small_sample_documents=20)
    assert method_for(19, config) == "jackknife_t"
    assert method_for(20, config) == "percentile_bootstrap"


def better_everywhere(documents: int) -> tuple[np.ndarray, np.ndarray]:
    a = doc_counts(4, documents).reshape(documents, 1, 5)
    b = a.copy()
    b[:, 0, 0] += 3
    return a, b


def test_permutation_test_is_exact_on_few_documents() -> None:
    a, b = better_everywhere(5)
    result = paired_p_values(a, b, ScoringConfig())
    assert result is not None
    # 2⁵ swaps; only the observed assignment and its mirror are as extreme
    assert result[1] == pytest.approx(2 / 32)
    same = paired_p_values(a, a.copy(), ScoringConfig())
    assert same is not None and same[1] == 1.0


def test_permutation_test_samples_swaps_on_many_documents() -> None:
    a, b = better_everywhere(40)
    result = paired_p_values(a, b, ScoringConfig(permutations=2000))
    assert result is not None
    assert result[1] == pytest.approx(1 / 2001)  # no random swap is as extreme


def test_paired_interval_of_identical_runs_is_zero() -> None:
    a = doc_counts().reshape(40, 1, 5)
    result = paired_delta_intervals(a, a.copy(), ScoringConfig())
    assert result is not None
    per_type, micro = result
    assert (per_type[0].low, per_type[0].high, micro.low, micro.high) == (0, 0, 0, 0)


def test_paired_interval_contains_the_observed_delta() -> None:
    a = doc_counts(2).reshape(40, 1, 5)
    b = a.copy()
    b[:, 0, 0] += 2  # B finds two more correct items per document
    result = paired_delta_intervals(a, b, ScoringConfig())
    assert result is not None
    delta = float(f1_of(b.sum(axis=(0, 1)), "strict") - f1_of(a.sum(axis=(0, 1)), "strict"))
    assert result[1].low <= delta <= result[1].high
    assert result[1].low > 0
