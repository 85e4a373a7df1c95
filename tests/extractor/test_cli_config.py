"""A configuration the run cannot use is one line naming the setting and exit 2, never a
traceback (the check happens before any document is read)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.cli import main


@pytest.mark.parametrize(
    ("toml", "named"),
    [
        ("[extraction]\nchunk_tokens = -3\n", "extraction.chunk_tokens"),
        ("[sampling]\ntemperature = 9\n", "sampling.temperature"),
        ("[provider]\nno_such_setting = 1\n", "provider.no_such_setting"),
        ("[extraction\n", "cannot read configuration"),
    ],
)
def test_a_bad_configuration_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], toml: str, named: str
) -> None:
    config = tmp_path / "run.toml"
    config.write_text(toml, encoding="utf-8")
    out = tmp_path / "out"
    code = main(["extract", str(tmp_path), "--config", str(config), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and err[0].startswith("extractor: error: ") and named in err[0]
    assert not out.exists()  # refused before any output
