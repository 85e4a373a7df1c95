"""The ruler itself: every gold file validates, its evidence is verbatim, the seeds are intact."""

import hashlib
import json
from pathlib import Path

import pytest

from extractor_eval.gold import check_gold, load_gold
from extractor_schemas import RECORD_TYPES

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared" / "seeds"


def test_manifest_hashes_match_seed_files(seeds_dir: Path) -> None:
    manifest = json.loads((seeds_dir / "MANIFEST.json").read_text())
    files = sorted(p.name for p in seeds_dir.glob("*.txt"))
    assert sorted(d["file"] for d in manifest["documents"]) == files
    for doc in manifest["documents"]:
        data = (seeds_dir / doc["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == doc["sha256"]
        assert doc["id"] == Path(doc["file"]).stem


@pytest.mark.skipif(not SHARED.exists(), reason="shared/seeds not beside this checkout")
def test_seeds_are_byte_copies_of_shared(seeds_dir: Path) -> None:
    for original in SHARED.glob("*.txt"):
        assert (seeds_dir / original.name).read_bytes() == original.read_bytes()


def test_every_seed_has_valid_gold_with_verbatim_evidence(gold_dir: Path, seeds_dir: Path) -> None:
    assert check_gold(gold_dir, seeds_dir) == []
    assert len(load_gold(gold_dir)) == 5


def test_gold_evidence_lies_inside_the_main_article(gold_dir: Path, seeds_dir: Path) -> None:
    for doc_id, record in load_gold(gold_dir).items():
        text = (seeds_dir / f"{doc_id}.txt").read_text(encoding="utf-8")
        span = record.article.main_span
        assert span is not None
        main = text[span[0] : span[1]]
        for record_type in RECORD_TYPES:
            for item in record.items(record_type):
                assert item.evidence in main, (doc_id, record_type, item.evidence)


def test_gold_has_no_dangling_references(gold_dir: Path) -> None:
    for record in load_gold(gold_dir).values():
        assert record.dangling_references() == []


def test_gold_check_reports_a_planted_error(
    tmp_path: Path, gold_dir: Path, seeds_dir: Path
) -> None:
    target = tmp_path / "gold"
    target.mkdir()
    for path in gold_dir.glob("*.json"):
        (target / path.name).write_text(path.read_text())
    victim = target / "004_171dad24aabf5317.json"
    data = json.loads(victim.read_text())
    data["companies"][0]["evidence"] = "words that are not in the article"
    victim.write_text(json.dumps(data))
    problems = check_gold(target, seeds_dir)
    assert [p.where for p in problems] == ["companies[0].evidence"]
