"""How often the reported interval covers the true micro-F1: `python -m extractor_eval.coverage`.

A population of documents is drawn once from a model of per-document difficulty (documents of
varying length and quality, with spurious items, like the seeds: strict F1 about 0.25, partial
credit about 0.5). Its micro-F1 is the truth. Each trial samples n documents, builds the interval
exactly as a report does, and checks whether it holds the truth. Coverage near the nominal 95 %
is what makes an interval worth printing; the percentile bootstrap reaches it only from about 20
documents, which is why reports use the jackknife-t below that (`bootstrap.method_for`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from extractor_eval.bootstrap import IntArray, f1_interval, f1_of
from extractor_eval.config import ScoringConfig
from extractor_eval.schemes import Scheme


@dataclass(frozen=True)
class Population:
    """Per-document category counts (documents, 5) and their micro-F1 per scheme."""

    counts: IntArray

    def truth(self, scheme: Scheme) -> float:
        return float(f1_of(self.counts.sum(axis=0), scheme))


def population(size: int, seed: int) -> Population:
    """Documents with 5-60 gold items, a quality drawn per document, and spurious items."""
    rng = np.random.default_rng(seed)
    gold = rng.integers(5, 61, size=size)
    quality = rng.beta(2.0, 2.0, size=size)  # documents differ a lot in difficulty
    found = rng.binomial(gold, 0.45 + 0.45 * quality)
    correct = rng.binomial(found, 0.15 + 0.4 * quality)
    partial = rng.binomial(found - correct, 0.9)
    incorrect = found - correct - partial
    missing = gold - found
    spurious = rng.poisson(0.1 * gold * (1.5 - quality))
    return Population(np.stack([correct, partial, incorrect, missing, spurious], axis=1))


@dataclass(frozen=True)
class Coverage:
    documents: int
    scheme: Scheme
    method: str
    covered: float
    mean_width: float


def coverage(
    pop: Population, documents: int, config: ScoringConfig, scheme: Scheme, trials: int, seed: int
) -> Coverage:
    """Share of `trials` samples of `documents` documents whose interval holds the truth."""
    rng = np.random.default_rng(seed)
    truth = pop.truth(scheme)
    hits, widths, method = 0, 0.0, ""
    for _ in range(trials):
        sample = pop.counts[rng.choice(len(pop.counts), size=documents, replace=False)]
        interval = f1_interval(sample, config, scheme)
        if interval is None:
            raise ValueError("coverage needs at least two documents per sample")
        hits += interval.low <= truth <= interval.high
        widths += interval.high - interval.low
        method = interval.method
    return Coverage(documents, scheme, method, hits / trials, widths / trials)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extractor_eval.coverage", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 10, 20, 50])
    parser.add_argument("--trials", type=int, default=2000)
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--methods",
        nargs="+",
        default=["auto", "jackknife_t", "percentile_bootstrap"],
        choices=["auto", "jackknife_t", "percentile_bootstrap"],
    )
    args = parser.parse_args(argv)
    pop = population(20_000, args.seed)
    print(
        f"population of 20,000 documents: micro strict F1 {pop.truth('strict'):.3f}, "
        f"partial credit {pop.truth('partial_credit'):.3f}; {args.trials} trials per row; "
        "nominal 95 %"
    )
    print(f"{'n':>4}  {'scheme':<15} {'method':<21} {'coverage':>8}  {'mean width':>10}")
    for method in args.methods:
        config = ScoringConfig(interval_method=method, bootstrap_resamples=args.resamples)
        for n in args.sizes:
            for scheme in ("strict", "partial_credit"):
                c = coverage(pop, n, config, scheme, args.trials, args.seed + n)
                label = c.method if method != "auto" else f"auto ({c.method})"
                print(f"{n:>4}  {scheme:<15} {label:<21} {c.covered:>8.1%}  {c.mean_width:>10.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
