"""Matrix files: expansion into cells with stable ids, repeats as distinct seeds, exclusions,
paths relative to the file, prices; and every mistake refused before any call, with a message
that names the entry and the key. Also the prompt folder a cell can point at."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import extractor
from extractor.config import RunConfig
from extractor.matrix.config import MatrixConfigError, load_matrix
from extractor.prompting import load_prompts

# The packaged sentence prompt set, wherever its strategy keeps it.
MENTIONS = next(Path(extractor.__file__).parent.rglob("mentions-v1"))
HEAD = """
[matrix]
name = "t"
documents = ["docs"]
gold = "gold"
"""
AXES = """
[[axes.prompt]]
name = "Mentions v1"
extraction = { prompt_id = "mentions-v1" }

[[axes.prompt]]
name = "own"

[[axes.provider]]
name = "gemma"
provider = { kind = "embedded" }

[[axes.provider]]
name = "api"
provider = { kind = "openai", model = "m", base_url = "http://127.0.0.1:1/v1" }
cache = { dir = "api-cassettes" }
price = { prompt_per_mtok = 0.15, completion_per_mtok = 0.6 }
"""


def _load(tmp_path: Path, text: str) -> list[tuple[str, RunConfig]]:
    path = tmp_path / "sub" / "m.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return [(c.id, c.config) for c in load_matrix(path).cells]


def test_cells_are_every_combination_with_readable_stable_ids(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text(HEAD + 'baseline_cell = "own.gemma"\n' + AXES)
    matrix = load_matrix(path)
    ids = [c.id for c in matrix.cells]
    assert ids == ["mentions-v1.gemma.r1", "mentions-v1.api.r1", "own.gemma.r1", "own.api.r1"]
    assert matrix.baseline_cell == "own.gemma.r1"  # a configuration names its first repeat
    api = matrix.cells[1]
    assert api.axes == {"prompt": "Mentions v1", "provider": "api"}
    assert api.config.extraction.prompt_id == "mentions-v1"
    assert api.config.provider.kind == "openai"
    assert api.config.cache.dir == tmp_path / "api-cassettes"  # relative to the file
    assert api.price.prompt_per_mtok == 0.15
    assert matrix.cells[0].price.cost(10**6, 10**6) == 0.0
    assert matrix.cells[2].config.extraction.prompt_id is None  # the strategy's own
    assert matrix.documents == [tmp_path / "docs"] and matrix.gold == tmp_path / "gold"


def test_repeats_differ_by_seed_only(tmp_path: Path) -> None:
    text = HEAD + "repeats = 3\n" + AXES.split("[[axes.provider]]")[0]
    text += '\n[[axes.sampling]]\nname = "hot"\nsampling = { temperature = 0.8, seed = 10 }\n'
    cells = _load(tmp_path, text)
    hot = [c for i, c in cells if i.startswith("own.hot.")]
    assert [c.sampling.seed for c in hot] == [10, 11, 12]
    assert {c.model_copy(update={"sampling": hot[0].sampling}) for c in hot} == {hot[0]}


def test_excluded_combinations_are_left_out(tmp_path: Path) -> None:
    text = HEAD + 'exclude = [{ prompt = "own", provider = "api" }]\n' + AXES
    assert [i for i, _ in _load(tmp_path, text)] == [
        "mentions-v1.gemma.r1",
        "mentions-v1.api.r1",
        "own.gemma.r1",
    ]


def test_base_applies_to_every_cell_and_an_axis_may_override_it(tmp_path: Path) -> None:
    text = HEAD + "\n[base]\ncache = { dir = 'shared', mode = 'replay' }\nconcurrency = 7\n" + AXES
    cells = dict(_load(tmp_path, text))
    assert cells["own.gemma.r1"].cache.dir == tmp_path / "sub" / "shared"
    assert cells["own.api.r1"].cache.dir == tmp_path / "sub" / "api-cassettes"
    assert {c.cache.mode.value for c in cells.values()} == {"replay"}
    assert {c.concurrency for c in cells.values()} == {7}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[matrix]\nname = 't'\n", "matrix.documents: Field required"),
        (HEAD + "colour = 'red'\n" + AXES, "matrix.colour: Extra inputs are not permitted"),
        (HEAD, "axes: Field required"),
        (HEAD + "[axes]\n", "the matrix has no axes"),
        (
            HEAD + "[[axes.prompt]]\nname = 'x'\nextraction = { prompt = 'v2' }\n",
            "axes.prompt[0] 'x': extraction has no setting prompt (known: ",
        ),
        (
            HEAD + "[[axes.prompt]]\nname = 'x'\nmodel = 'gpt'\n",
            "axes.prompt.0.model: Extra inputs are not permitted",
        ),
        (
            HEAD + "[[axes.prompt]]\nname = 'x'\nprice = { prompt_per_mtok = 1 }\n",
            "axes.prompt.0.price: Extra inputs are not permitted",
        ),
        (HEAD + "[base]\nprovder = { kind = 'openai' }\n" + AXES, "[base]: unknown section"),
        (
            HEAD + "[[axes.prompt]]\nname = 'x'\nsampling = { temperature = 5.0 }\n",
            "cell x.r1: sampling.temperature: Input should be less than or equal to 2",
        ),
        (
            HEAD + AXES + "[[axes.strategy]]\nname = 'doc'\nprovider = { kind = 'openai' }\n",
            "provider.kind is set by both axes.provider 'gemma' and axes.strategy 'doc'",
        ),
        (HEAD + AXES + "[[axes.provider]]\nname = 'GEMMA'\n", "two entries share a name"),
        (HEAD + "[[axes.prompt]]\nname = '!!'\n", "has no letter or digit"),
        (HEAD + 'baseline_cell = "nope"\n' + AXES, "baseline_cell 'nope' is no cell"),
        (HEAD + 'exclude = [{ prompt = "v9" }]\n' + AXES, "exclude names prompt 'v9'"),
        (
            HEAD + 'exclude = [{ prompt = "own" }]\n[[axes.prompt]]\nname = "own"\n',
            "every combination is excluded",
        ),
        ("[matrix\n", "cannot read matrix file"),
    ],
)
def test_mistakes_are_refused_naming_the_entry_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(MatrixConfigError) as caught:
        _load(tmp_path, text)
    assert message in str(caught.value)
    assert "m.toml" in str(caught.value)


def test_a_prompt_folder_outside_the_package(tmp_path: Path) -> None:
    shutil.copytree(MENTIONS, tmp_path / "mine")
    packaged, copied = load_prompts("mentions-v1", MENTIONS.parent), load_prompts("mine", tmp_path)
    assert copied.sha256 == packaged.sha256 and copied.id == "mine"
    with pytest.raises(ValueError, match=r"prompt folder .* does not exist"):
        load_prompts("mentions-v1", tmp_path / "absent")


def test_the_prompt_folder_is_not_in_the_fingerprint() -> None:
    """Where a prompt set lies decides nothing; its content hash and id do."""
    model = {"provider": "embedded"}
    here = RunConfig.model_validate({"extraction": {"prompt_dir": "/a"}})
    there = RunConfig.model_validate({"extraction": {"prompt_dir": "/b"}})
    assert here.fingerprint("x" * 64, model) == there.fingerprint("x" * 64, model)
    assert here.fingerprint("x" * 64, model) == RunConfig().fingerprint("x" * 64, model)
