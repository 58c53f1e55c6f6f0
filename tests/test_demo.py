"""The README's demo, end to end with the shipped models: what an editor sees on the bundled article."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import BUNDLED_ARTICLE, PROJECT_ROOT


@pytest.mark.slow
def test_demo_check_flags_nauert_quotes_and_unsourced_assertions(tmp_path):
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "FACTCHECK_HOME": str(tmp_path / "home")}
    config = tmp_path / "index.yaml"
    config.write_text(f"evidence:\n  index_dir: {tmp_path / 'indexes'}\n", encoding="utf-8")
    report, page = tmp_path / "r.json", tmp_path / "r.html"
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "check", str(BUNDLED_ARTICLE), "--config", str(config), "-o", str(report), "-o", str(page)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    text = BUNDLED_ARTICLE.read_text(encoding="utf-8")
    for item in data["flags"] + data["claims"]:
        assert text[item["start"] : item["end"]] == item["text"]
    names = [f for f in data["flags"] if f["type"] in ("name_misspelling", "misattribution") and "Heather Nuart" in f["text"]]
    assert names and names[0]["suggestion"] == "Heather Nauert"
    malformed = [f["text"].split()[0] for f in data["flags"] if f["type"] == "malformed_quote"]
    assert malformed == ["Any", "There", "China’s"]
    # The unsourced assertions reach an editor: unsupported, or needs_review where the NLI model cannot tell.
    for_editor = " ".join(f["text"] for f in data["flags"] if f["type"] in ("unsupported", "needs_review"))
    assert "artillery assets" in for_editor and "what China is taking out" in for_editor
    assert data["summary"]["verified"] == len(data["claims"])  # every sentence checked, not only check-worthy ones
    assert data["models"]["nli"] and data["models"]["claims"] != "heuristic-v1"
    assert "Heather Nauert" in page.read_text(encoding="utf-8")
