"""Which gold items got better or worse between two scorings: one definition for the gate and
for `compare`, so the two commands can never tell different stories about the same runs.

Categories rank correct > partial > incorrect > missing. An item whose rank falls is *lost*
(correct → partial, partial → missing, …), one whose rank rises is *gained*. A key present on one
side only is "absent" on the other, ranked with missing: a gold item that disappeared (the gold
changed) is lost if it was found before.
"""

from __future__ import annotations

from collections.abc import Mapping

from extractor_eval.report_model import Frozen

ABSENT = "absent"
RANK: dict[str, int] = {"correct": 3, "partial": 2, "incorrect": 1, "missing": 0, ABSENT: 0}


class Flip(Frozen):
    """A gold item whose category changed rank; before is the baseline's (or run A's)."""

    key: str
    before: str
    after: str


def flips(before: Mapping[str, str], after: Mapping[str, str]) -> tuple[list[Flip], list[Flip]]:
    """(gained, lost), each sorted by key; before and after map gold item key → category."""
    gained, lost = [], []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key, ABSENT), after.get(key, ABSENT)
        if RANK[new] > RANK[old]:
            gained.append(Flip(key=key, before=old, after=new))
        elif RANK[new] < RANK[old]:
            lost.append(Flip(key=key, before=old, after=new))
    return gained, lost
