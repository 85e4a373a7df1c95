"""Bootstrap intervals over documents (eval/bootstrap.py)."""

from __future__ import annotations

import numpy as np
import pytest

from extractor_eval.bootstrap import f1_interval, f1_of, paired_delta_intervals
from extractor_eval.config import ScoringConfig
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


@pytest.mark.parametrize("scheme", SCHEMES)
def test_interval_contains_the_point_estimate(scheme: Scheme) -> None:
    counts = doc_counts()
    point = float(f1_of(counts.sum(axis=0), scheme))
    interval = f1_interval(counts, ScoringConfig(), scheme)
    assert interval is not None
    assert interval.low < point < interval.high
    assert interval.high - interval.low < 0.2


def test_interval_is_deterministic_under_the_seed() -> None:
    counts = doc_counts()
    first = f1_interval(counts, ScoringConfig(), "strict")
    again = f1_interval(counts, ScoringConfig(), "strict")
    other = f1_interval(counts, ScoringConfig(bootstrap_seed=99), "strict")
    assert first == again
    assert first != other


def test_resample_count_need_not_fill_whole_batches() -> None:
    interval = f1_interval(doc_counts(), ScoringConfig(bootstrap_resamples=250), "strict")
    assert interval is not None and interval.resamples == 250


def test_identical_documents_give_a_zero_width_interval() -> None:
    counts = np.tile([5, 1, 0, 2, 1], (10, 1))
    interval = f1_interval(counts, ScoringConfig(), "strict")
    assert interval is not None
    assert interval.low == pytest.approx(interval.high)


def test_no_documents_no_interval() -> None:
    assert f1_interval(np.zeros((0, 5), dtype=np.int64), ScoringConfig(), "strict") is None


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
