"""Prompt sets are versioned files whose hash changes with any wording change."""

import shutil
from pathlib import Path

import pytest

from extractor.prompting import load_prompts
from extractor.strategies.sentences import PROMPTS_DIR


def test_default_prompt_set_renders_every_task() -> None:
    prompts = load_prompts("mentions-v1", PROMPTS_DIR)
    for task in (
        "companies",
        "people",
        "organizations",
        "programs",
        "partnership",
        "export",
        "speaker",
    ):
        text = prompts.render(task, "Dixon makes phones for Xiaomi.")
        assert text.endswith(":") and "Dixon makes phones for Xiaomi." in text
    assert len(prompts.sha256) == 64


def test_hash_follows_content(tmp_path: Path) -> None:
    shutil.copytree(PROMPTS_DIR / "mentions-v1", tmp_path / "p")
    before = load_prompts("p", tmp_path).sha256
    path = tmp_path / "p" / "companies.txt"
    path.write_text(path.read_text() + " ")
    assert load_prompts("p", tmp_path).sha256 != before


def test_unknown_prompt_id_lists_the_known_ones() -> None:
    with pytest.raises(ValueError, match="mentions-v1"):
        load_prompts("nope", PROMPTS_DIR)
