import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import BUNDLED_ARTICLE, PROJECT_ROOT

runner = CliRunner()


def _check(*args):
    return runner.invoke(app, ["check", *map(str, args)])


@pytest.mark.parametrize(
    "content, message",
    [(b"", "is empty"), (b"\x00\x00binary\x00", "looks binary"), (b"caf\xe9 bad", "not valid UTF-8"), (b"\xff\xfe\x00\xd8 bad", "not valid UTF-16"), (b"word " * 420_000, "the limit is")],
)
def test_bad_article_gives_one_line_error_and_no_report(tmp_path, content, message):
    article = tmp_path / "a.txt"
    article.write_bytes(content)
    result = _check(article, "--output", tmp_path / "r.json")
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "r.json").exists()


def test_missing_article(tmp_path):
    result = _check(tmp_path / "nope.txt")
    assert result.exit_code == 2 and "does not exist" in result.output


def test_bad_evidence_line_names_file_and_line(tmp_path):
    evidence = tmp_path / "e.jsonl"
    evidence.write_text('{"id": "a", "text": "ok"}\n{"id": "b"}\n', encoding="utf-8")
    result = _check(BUNDLED_ARTICLE, "--evidence", evidence)
    assert result.exit_code == 2
    assert f"{evidence}:2" in result.output and '"text"' in result.output


def test_cli_on_bundled_article_with_one_passage_evidence(tmp_path, tiny_config):
    evidence = tmp_path / "one.jsonl"
    evidence.write_text(json.dumps({"id": "n", "text": "Heather Nauert is the State Department spokesperson."}) + "\n", encoding="utf-8")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    out = tmp_path / "r.html"
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "check", str(BUNDLED_ARTICLE), "--evidence", str(evidence), "--config", str(tiny_config), "--output", str(out)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = out.read_text(encoding="utf-8")
    assert ">Heather Nuart</mark>" in page and "Heather Nauert" in page
    assert "name_misspelling" in proc.stderr  # the summary line
