"""How well main-article isolation finds the story on every annotated page (a script, not a test):

    python bench/isolation_report.py [PAGES_DIR GOLD_DIR ...]

For each page it prints the isolated span next to the gold `main_span` and how many gold evidence
strings fall outside the isolated paragraphs: those are facts the model can never see, so they
are lost before extraction starts. An evidence string counts as inside when some occurrence of it
has every non-space character inside kept paragraphs (so evidence running over two kept
paragraphs counts, evidence touching a dropped teaser line does not). With no arguments it reads
the seeds (`seeds/`, `gold/`) and the development pages (`corpus/dev/`, `corpus/dev/gold/`).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from extractor.isolate import Paragraph, isolate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SETS = (("seeds", "gold"), ("corpus/dev", "corpus/dev/gold"))


@dataclass(frozen=True)
class PageReport:
    doc_id: str
    isolated: tuple[int, int] | None
    gold: tuple[int, int] | None
    evidence: int
    outside: tuple[str, ...]

    @property
    def span_ok(self) -> bool:
        return self.isolated == self.gold


def _evidence(node: object) -> Iterator[str]:
    """Every `evidence` string anywhere in a gold record, whatever its type."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "evidence" and isinstance(value, str):
                yield value
            else:
                yield from _evidence(value)
    elif isinstance(node, list):
        for item in node:
            yield from _evidence(item)


def _covered(text: str, paragraphs: Sequence[Paragraph]) -> list[bool]:
    mask = [False] * len(text)
    for para in paragraphs:
        mask[para.start : para.end] = [True] * (para.end - para.start)
    return mask


def _inside(text: str, mask: list[bool], evidence: str) -> bool:
    at = text.find(evidence)
    while at >= 0:
        stretch = range(at, at + len(evidence))
        if all(mask[i] or text[i].isspace() for i in stretch):
            return True
        at = text.find(evidence, at + 1)
    return False


def report_page(page: Path, gold_file: Path) -> PageReport:
    text = page.read_text(encoding="utf-8")
    record = json.loads(gold_file.read_text(encoding="utf-8"))
    main = isolate(text)
    mask = _covered(text, main.paragraphs)
    evidence = sorted(set(_evidence({k: v for k, v in record.items() if k != "article"})))
    span = record.get("article", {}).get("main_span")
    return PageReport(
        doc_id=page.stem,
        isolated=main.span,
        gold=(span[0], span[1]) if span else None,
        evidence=len(evidence),
        outside=tuple(e for e in evidence if not _inside(text, mask, e)),
    )


def report_set(pages: Path, gold: Path) -> list[PageReport]:
    """One report per gold file; a gold file without its page is an error, not a skip."""
    reports = []
    for gold_file in sorted(gold.glob("*.json")):
        page = pages / f"{gold_file.stem}.txt"
        if not page.is_file():
            raise SystemExit(f"{gold_file}: no page {page}")
        reports.append(report_page(page, gold_file))
    return reports


def _print(name: str, reports: list[PageReport], verbose: bool) -> None:
    print(f"== {name}")
    for r in reports:
        mark = "ok  " if r.span_ok else "DIFF"
        print(
            f"{mark} {r.doc_id:32} isolated={r.isolated} gold={r.gold} "
            f"evidence outside {len(r.outside)}/{r.evidence}"
        )
        if verbose:
            for e in r.outside:
                print(f"       outside: {e[:100]!r}")
    same = sum(r.span_ok for r in reports)
    outside = sum(len(r.outside) for r in reports)
    total = sum(r.evidence for r in reports)
    print(f"   span = gold on {same}/{len(reports)} pages; evidence outside {outside}/{total}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", help="PAGES_DIR GOLD_DIR pairs")
    parser.add_argument("-v", "--verbose", action="store_true", help="list evidence outside")
    args = parser.parse_args(argv)
    if len(args.dirs) % 2:
        parser.error("give directories in PAGES_DIR GOLD_DIR pairs")
    pairs = list(zip(args.dirs[::2], args.dirs[1::2], strict=True)) or [
        (str(ROOT / p), str(ROOT / g)) for p, g in DEFAULT_SETS
    ]
    for pages, gold in pairs:
        _print(pages, report_set(Path(pages), Path(gold)), args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
