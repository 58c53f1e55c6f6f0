"""Bad input is refused at once with one line; nothing half-done is left behind (issue 16).

The `factcheck check` cases run the real command in a subprocess with ``PREFECT_API_URL`` pointing at
a closed loopback port (http://127.0.0.1:9/api): with it set no temporary Prefect server is started, and a
check that got as far as Prefect would fail with a connection error instead of the expected line; so
"exit 2, exactly this one line on stderr" proves the refusal came before Prefect and the models.
Index-cache and report-writing cases run in-process against the functions themselves.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import subprocess
import sys

import pytest

from tests.conftest import BUNDLED_ARTICLE, PROJECT_ROOT

from pipeline.errors import InputError
from pipeline.index_cache import clear_indexes, list_indexes, remove_stale_builds, require_writable

PASSAGES = [
    {"id": "nauert", "text": "Heather Nauert was the spokesperson of the U.S. State Department.", "source": "State"},
    {"id": "moon", "text": "Moon Jae-in was elected President of South Korea in May 2017.", "source": "Reuters"},
    {"id": "moon2", "text": "Moon Jae-in met Kim Jong-un in April 2018.", "source": "Reuters"},
]


def _aged(folder, seconds):
    past = time.time() - seconds
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, (past, past))
    return folder


def _build(tmp_path, index_dir):
    from pipeline.embed import SentenceEmbedder
    from pipeline.evidence import EvidenceIndex, load_evidence

    path = tmp_path / "e.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in PASSAGES) + "\n", encoding="utf-8")
    return EvidenceIndex.build_or_load(load_evidence([path]), index_dir, SentenceEmbedder())


def test_stale_temporary_index_folder_is_removed_at_next_build_and_a_fresh_one_kept(tmp_path):
    index_dir = tmp_path / "idx"
    stale = index_dir / ".evidence-abc.killed"
    stale.mkdir(parents=True)
    (stale / "vectors.npy").write_bytes(b"x" * 100)
    _aged(stale, 2 * 3600)
    running = index_dir / ".evidence-def.running"
    running.mkdir()
    _build(tmp_path, index_dir)
    assert not stale.exists() and running.exists()
    infos = list_indexes(index_dir)
    built = [i for i in infos if not i.building]
    assert len(built) == 1 and built[0].passages == 3 and built[0].sources == ("Reuters", "State")
    assert [i.path for i in infos if i.building] == [running]


def test_remove_stale_builds_leaves_indexes_alone(tmp_path):
    index = tmp_path / "evidence-old"
    index.mkdir()
    stale = tmp_path / ".evidence-old.x"
    stale.mkdir()
    _aged(stale, 5 * 3600)
    _aged(index, 5 * 3600)
    assert remove_stale_builds(tmp_path) == [stale]
    assert index.exists()
    assert [i.path for i in clear_indexes(tmp_path)] == [index] and not index.exists()


@pytest.mark.parametrize("where", ["blocker/indexes", "blocker"])
def test_index_dir_blocked_by_a_file_is_one_line_naming_the_setting(tmp_path, where):
    (tmp_path / "blocker").write_text("x")
    with pytest.raises(InputError, match=r"evidence.index_dir .* is not writable .*blocker is a file.*set evidence.index_dir or free space"):
        require_writable(tmp_path / where)


def test_cache_list_and_clear(tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    index_dir = tmp_path / "idx"
    _build(tmp_path, index_dir)
    stale = index_dir / ".evidence-x.killed"
    stale.mkdir()
    _aged(stale, 2 * 3600)
    config = tmp_path / "c.yaml"
    config.write_text(f"evidence:\n  index_dir: {index_dir}\n", encoding="utf-8")
    runner = CliRunner()
    listed = runner.invoke(app, ["cache", "list", "--config", str(config)])
    assert listed.exit_code == 0, listed.output
    assert "3 passages, sources: Reuters, State" in listed.output and "temporary build folder" in listed.output
    assert "2 folder(s)" in listed.output
    dry = runner.invoke(app, ["cache", "clear", "--config", str(config)])
    assert "--yes" in dry.output and stale.exists() and len(list(index_dir.glob("evidence-*"))) == 1
    runner.invoke(app, ["cache", "clear", "--stale", "--yes", "--config", str(config)])
    assert not stale.exists() and len(list(index_dir.glob("evidence-*"))) == 1
    cleared = runner.invoke(app, ["cache", "clear", "--yes", "--config", str(config)])
    assert "removed 1 folder(s)" in cleared.output and not list(index_dir.glob("evidence-*"))


UNREACHABLE_PREFECT = "http://127.0.0.1:9/api"


def _factcheck(tmp_path, *args, config_text=None):
    """Run `factcheck check` on the bundled article; return (exit code, stderr lines)."""
    extra = []
    if config_text is not None:
        config = tmp_path / "my.yaml"
        config.write_text(config_text, encoding="utf-8")
        extra = ["--config", str(config)]
    env = {**os.environ, "PREFECT_API_URL": UNREACHABLE_PREFECT, "FACTCHECK_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "check", str(BUNDLED_ARTICLE), "--no-record", *extra, *map(str, args)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    return proc.returncode, proc.stderr.strip().splitlines()


def _assert_refused(tmp_path, code, lines, *expected, outputs=()):
    assert code == 2, lines
    assert len(lines) == 1, lines
    assert all(text in lines[0] for text in expected), lines
    assert "127.0.0.1:9" not in lines[0] and "Traceback" not in lines[0]
    for path in outputs:
        assert not path.exists()


@pytest.mark.parametrize(
    "config_text, expected",
    [
        ("nli:\n  batch_size: abc\n", ("my.yaml", "nli.batch_size", "'abc'")),
        ("nli:\n  support_threshold: high\n", ("my.yaml", "nli.support_threshold", "'high'")),
        ("nli: 3\n", ("my.yaml", "nli", "3")),
        ("evidence:\n  top_k: 0\n", ("my.yaml", "evidence.top_k", "0")),
        ("evidence:\n  top_k: -3\n", ("my.yaml", "evidence.top_k", "-3")),
        ("claims:\n  backend: magic\n", ("my.yaml", "claims.backend", "'magic'")),
        ("nli:\n  model_path: /nonexistent/nli\n", ("my.yaml", "nli.model_path", "/nonexistent/nli")),
        ("embedder:\n  path: /nonexistent/embedder\n", ("my.yaml", "embedder.path", "/nonexistent/embedder")),
    ],
)
def test_bad_config_value_is_one_line_naming_file_key_and_value(tmp_path, config_text, expected):
    out = tmp_path / "r.json"
    code, lines = _factcheck(tmp_path, "-o", out, config_text=config_text)
    _assert_refused(tmp_path, code, lines, *expected, outputs=[out])


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("folder", "is not a file"),
        ("latin1", "not valid UTF-8"),
        ("binary", "looks binary"),
        ("missing", "does not exist"),
        ("no_name_column", 'needs a "name" column'),
    ],
)
def test_roster_fault_is_one_line_before_prefect(tmp_path, kind, expected):
    roster = tmp_path / "roster.csv"
    if kind == "folder":
        roster.mkdir()
    elif kind == "latin1":
        roster.write_bytes("name,role\nJos\xe9 Mart\xed,mayor\n".encode("latin-1"))
    elif kind == "binary":
        roster.write_bytes(b"\x00\x01\x02name\x00")
    elif kind == "no_name_column":
        roster.write_text("person,role\nA,b\n", encoding="utf-8")
    out = tmp_path / "r.json"
    code, lines = _factcheck(tmp_path, "--roster", roster, "-o", out)
    _assert_refused(tmp_path, code, lines, expected, "roster", outputs=[out])


@pytest.mark.parametrize(
    "outputs, expected",
    [
        (["/sys/kernel/r.json"], "cannot write in /sys/kernel"),  # refused even to root
        (["{tmp}"], "is a folder"),
        (["{tmp}/missing/r.json"], "does not exist"),
        (["{tmp}/r.json", "{tmp}/./r.json"], "is given twice"),
        (["{tmp}/r.json", "/sys/kernel/r.html"], "cannot write in /sys/kernel"),  # the first not written either
    ],
)
def test_unwritable_output_is_one_line_before_the_check(tmp_path, outputs, expected):
    paths = [Path(o.format(tmp=tmp_path)) for o in outputs]
    args = [a for p in paths for a in ("-o", p)]
    code, lines = _factcheck(tmp_path, *args)
    _assert_refused(tmp_path, code, lines, expected, outputs=[p for p in paths if not p.is_dir()])


def test_index_dir_blocked_is_one_line_before_prefect(tmp_path):
    (tmp_path / "blocker").write_text("x")
    out = tmp_path / "r.json"
    code, lines = _factcheck(tmp_path, "-o", out, config_text=f"evidence:\n  index_dir: {tmp_path / 'blocker' / 'idx'}\n")
    _assert_refused(tmp_path, code, lines, "evidence.index_dir", "set evidence.index_dir or free space", outputs=[out])


def test_two_reports_second_failing_leaves_neither(tmp_path):
    from pipeline.io import write_reports

    (tmp_path / "afile").write_text("x")
    first, second = tmp_path / "r.json", tmp_path / "afile" / "r.html"
    with pytest.raises(InputError, match="free space or choose another --output; no report was written"):
        write_reports({first: "{}", second: "<html>"})
    assert not first.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_article_with_byte_order_mark_is_decoded(tmp_path, encoding):
    from pipeline.ingest import read_article

    path = tmp_path / "a.txt"
    path.write_bytes("Café owners met the mayor on Tuesday.".encode(encoding))
    assert read_article(path).text.startswith("Café owners")


QUIET_PROBE = """
import logging, sys, warnings
logging.basicConfig(level=logging.DEBUG)
import cli.main
if len(sys.argv) > 1:
    cli.main.app(sys.argv[1:], standalone_mode=False)  # the global --verbose callback, then `cache list`
import transformers
warnings.warn_explicit("SOCKS support in urllib3 requires PySocks", UserWarning, "urllib3/contrib/socks.py", 1, module="urllib3.contrib.socks")
logging.getLogger("bm25s").debug("bm25s debug line")
print("bars", transformers.utils.logging.is_progress_bar_enabled(), file=sys.stderr)
"""


@pytest.mark.parametrize("verbose", [False, True])
def test_library_noise_hidden_unless_verbose(tmp_path, verbose):
    config = tmp_path / "c.yaml"
    config.write_text(f"evidence:\\n  index_dir: {tmp_path / 'idx'}\\n", encoding="utf-8")
    args = ["--verbose", "cache", "list", "--config", str(config)] if verbose else []
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_DISABLE_PROGRESS_BARS", "TRANSFORMERS_VERBOSITY", "TQDM_DISABLE", "PREFECT_LOGGING_LEVEL")}
    proc = subprocess.run([sys.executable, "-c", QUIET_PROBE, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert ("SOCKS" in proc.stderr) == verbose
    assert ("bm25s debug line" in proc.stderr) == verbose
    assert f"bars {verbose}" in proc.stderr


def test_checker_takes_the_validated_settings(tiny_config):
    from pipeline.checker import ArticleChecker
    from pipeline.config import load_config, load_settings

    settings = load_settings(tiny_config)
    assert ArticleChecker(settings).config == load_config(tiny_config)
    assert ArticleChecker(settings).alignment.min_coverage == settings.verify.restatement_coverage
    # A loaded mapping is validated into the same typed settings the stages read.
    assert ArticleChecker(load_config(tiny_config)).settings == settings
