"""The three F1 schemes: how much an aligned item with a wrong secondary field is worth.

* strict: only a correct item is a hit (every compared field right);
* partial credit: a partial item is half a hit, as in SemEval-2013 task 9's "partial" scheme;
* lenient (secondary fields forgiven): a partial item is a full hit, an upper bound on what a
  reader who only cares about the key and the type-deciding fields would accept.

An incorrect item (a type-deciding field wrong) is never a hit in any scheme. Strict and partial
credit lead every report: they are what published extraction scores are comparable with.
"""

from __future__ import annotations

from typing import Literal

Scheme = Literal["strict", "partial_credit", "lenient"]
SCHEMES: tuple[Scheme, ...] = ("strict", "partial_credit", "lenient")

PARTIAL_WEIGHT: dict[Scheme, float] = {"strict": 0.0, "partial_credit": 0.5, "lenient": 1.0}
"""What one partial item counts as, per scheme."""

LABEL: dict[Scheme, str] = {
    "strict": "strict",
    "partial_credit": "partial credit",
    "lenient": "lenient (secondary fields forgiven)",
}
SHORT: dict[Scheme, str] = {"strict": "", "partial_credit": "½", "lenient": "~"}
"""Column suffixes in tables: F1, F1½, F1~."""
