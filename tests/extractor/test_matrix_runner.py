"""The matrix run against the fake endpoint: a prompt edit pays only for the calls it changed.

The fake records every chat prompt it is sent, so the test sees exactly which requests reached
the "model": after an edit of one template of one prompt set, only that template's questions,
and only in the cell of that prompt set; an unchanged re-run sends nothing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.fake_openai import FakeOpenAI, _user_prompt
from support.servers import ServerThread

import extractor
from extractor.cli import main

pytestmark = pytest.mark.server

COMPANIES = "Copy the names of companies from each sentence, exactly as written."
EDITED = "Copy every company name from each sentence, exactly as it is written."
# The packaged sentence prompt set, wherever its strategy keeps it.
MENTIONS = next(Path(extractor.__file__).parent.rglob("mentions-v1"))
DOCS = ("000_4cc455d3f4a844ea.txt", "003_518f6c78553bdf27.txt")


class RecordingFake(FakeOpenAI):
    """The fault-free fake, keeping each chat request's user prompt."""

    def __init__(self) -> None:
        super().__init__()
        self.prompts: list[str] = []

    async def _chat(self, request: dict[str, Any], send: Any) -> None:
        self.prompts.append(_user_prompt(request))
        await super()._chat(request, send)


@pytest.fixture
def fake() -> Iterator[tuple[RecordingFake, str]]:
    app = RecordingFake()
    with ServerThread(app, lifespan="off") as server:
        yield app, f"{server.url}/v1"


def _matrix(tmp_path: Path, url: str, seeds_dir: Path, gold_dir: Path, repeats: int = 1) -> Path:
    prompts = tmp_path / "prompts"
    for name in ("a", "b"):
        shutil.copytree(MENTIONS, prompts / name)
    people = prompts / "b" / "people.txt"  # b differs from a from the start, in one template
    people.write_text(people.read_text().replace("names of people", "names of persons"))
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in DOCS:
        shutil.copy(seeds_dir / name, docs / name)
    path = tmp_path / "m.toml"
    path.write_text(
        f"""
[matrix]
name = "iteration"
documents = ["docs"]
gold = "{gold_dir}"
baseline_cell = "a"
repeats = {repeats}

[base]
provider = {{ kind = "openai", model = "fake", base_url = "{url}", timeout_s = 5.0 }}
retry = {{ max_attempts = 1, max_reasks = 0 }}
cache = {{ dir = "cache" }}
extraction = {{ strategy = "sentences", prompt_dir = "prompts" }}

[[axes.prompt]]
name = "a"
extraction = {{ prompt_id = "a" }}

[[axes.prompt]]
name = "b"
extraction = {{ prompt_id = "b" }}
""",
        encoding="utf-8",
    )
    return path


def _run(config: Path, out: Path) -> dict[str, dict[str, Any]]:
    code = main(["matrix", str(config), "--out", str(out), "--quiet"])
    assert code == 0
    plan = json.loads((out / "matrix.json").read_text())
    report = json.loads((out / "matrix-report.json").read_text())
    costs = {c["id"]: c["cost"] for c in report["cells"]}
    return {c["id"]: {**c, "cost": costs[c["id"]]} for c in plan["cells"]}


def test_an_edited_prompt_pays_only_for_its_own_calls(
    tmp_path: Path,
    fake: tuple[RecordingFake, str],
    seeds_dir: Path,
    gold_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    app, url = fake
    config, out = _matrix(tmp_path, url, seeds_dir, gold_dir), tmp_path / "out"

    first = _run(config, out)
    assert [c["status"] for c in first.values()] == ["ran", "ran"]
    asked = len(app.prompts)
    companies = sum(p.startswith(COMPANIES) for p in app.prompts)
    assert asked > companies > 0
    # b shares every template but one with a, so it paid only for its people questions
    b_live = first["b.r1"]["cost"]["live_calls"]
    assert b_live == sum(p.startswith("Copy the names of persons") for p in app.prompts) > 0
    assert first["a.r1"]["cost"]["live_calls"] + b_live == asked

    companies_b = tmp_path / "prompts" / "b" / "companies.txt"
    companies_b.write_text(companies_b.read_text().replace(COMPANIES, EDITED))
    second = _run(config, out)
    new = app.prompts[asked:]
    assert second["a.r1"]["status"] == "kept"
    assert second["b.r1"]["status"] == "ran"  # its fingerprint changed with the prompt's hash
    assert len(new) == companies  # one request per companies question of cell b, nothing else
    assert all(p.startswith(EDITED) for p in new)
    assert second["b.r1"]["cost"]["live_calls"] == companies
    assert second["b.r1"]["cost"]["calls"] == first["b.r1"]["cost"]["calls"]

    third = _run(config, out)
    assert len(app.prompts) == asked + companies  # an unchanged matrix sends nothing
    assert {c["status"] for c in third.values()} == {"kept"}


def test_repeats_are_distinct_requests_cached_apart(
    tmp_path: Path,
    fake: tuple[RecordingFake, str],
    seeds_dir: Path,
    gold_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    _, url = fake
    config = _matrix(tmp_path, url, seeds_dir, gold_dir, repeats=2)
    text = config.read_text().replace('baseline_cell = "a"', 'baseline_cell = "a.r1"')
    config.write_text(text.replace('name = "b"', 'name = "b"\nsampling = { temperature = 0.7 }'))
    cells = _run(config, tmp_path / "out")
    assert list(cells) == ["a.r1", "a.r2", "b.r1", "b.r2"]
    # a repeat differs from the other by its seed alone: none of its calls replays the other's
    for group in ("a", "b"):
        r1, r2 = cells[f"{group}.r1"]["cost"], cells[f"{group}.r2"]["cost"]
        assert r2["live_calls"] == r2["calls"] == r1["calls"] > 0
    report = json.loads((tmp_path / "out" / "matrix-report.json").read_text())
    assert [g["group"] for g in report["groups"]] == ["a", "b"]
    assert all(g["flaky_items"] == [] for g in report["groups"])  # the fake ignores the seed
