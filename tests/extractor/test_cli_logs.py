"""`extract` masks URL credentials in every log record of its process, as `serve` does.

Logging's last-resort handler prints any library's warning to stderr even when nothing is
configured, so a warning naming the endpoint URL would show its password. Each case runs the
real CLI in a fresh interpreter, then makes the log record such a library would make.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

PASSWORD = "pw-in-the-url-5f2c"
SECRET_URL = f"http://svc:{PASSWORD}@127.0.0.1:9/v1"
_RUNNER = """
import json, logging, sys
from extractor.cli import main
code = main(json.loads(sys.argv[1]))
logging.getLogger("httpx").warning("HTTP Request: POST %s/chat/completions", sys.argv[2])
logging.getLogger("openai").warning("endpoint " + sys.argv[2] + " refused")
raise SystemExit(code)
"""


@pytest.mark.parametrize("command", ["extract", "matrix"])
def test_a_run_never_logs_url_credentials(tmp_path: Path, command: str) -> None:
    doc = tmp_path / "doc.txt"
    doc.write_text("Dixon Technologies makes phones for Xiaomi in Noida.", encoding="utf-8")
    if command == "extract":
        argv = [
            "extract",
            str(doc),
            "--provider",
            "openai",
            "--model",
            "m",
            "--base-url",
            SECRET_URL,
            "--cache",
            "replay",
            "--cache-dir",
            str(tmp_path / "empty"),
            "--out",
            str(tmp_path / "run"),
            "--quiet",
        ]
    else:
        matrix = tmp_path / "m.toml"
        matrix.write_text(
            f'[matrix]\nname = "m"\ndocuments = ["{doc}"]\ngold = "{tmp_path / "gold"}"\n\n'
            '[[axes.provider]]\nname = "p"\n'
            f'provider = {{ kind = "openai", model = "m", base_url = "{SECRET_URL}" }}\n'
            f'cache = {{ dir = "{tmp_path / "empty"}" }}\n',
            encoding="utf-8",
        )
        argv = ["matrix", str(matrix), "--cache", "replay", "--out", str(tmp_path / "mx")]
        argv.append("--quiet")
    done = subprocess.run(
        [sys.executable, "-c", _RUNNER, json.dumps(argv), SECRET_URL],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "HTTP Request: POST http://***@127.0.0.1:9/v1" in done.stderr, done.stderr
    assert "endpoint http://***@127.0.0.1:9/v1 refused" in done.stderr
    assert PASSWORD not in done.stderr + done.stdout
