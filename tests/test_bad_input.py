"""Bad input is refused at once with one line; nothing half-done is left behind (issue 16).

Index-cache cases run in-process against `pipeline.index_cache` and a real `EvidenceIndex` build.
"""

from __future__ import annotations

import json
import os
import time

import pytest

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
