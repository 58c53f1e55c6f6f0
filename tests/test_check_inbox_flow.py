import json
import os
from pathlib import Path

import pytest

from flows.check_inbox import _retry_unless_input_error, check_inbox_flow, inbox_flow_for, task_runner_for
from pipeline.config import load_config
from pipeline.errors import InputError
from pipeline.inbox import diff_verdicts
from tests.conftest import BUNDLED_ARTICLE

# Tiny thresholds: the random NLI model then says "supported" or "contradicted" for every claim with
# evidence; with high ones its near-uniform probabilities give "not_enough_evidence".
DECISIVE = {"nli": {"support_threshold": 0.01, "contradict_threshold": 0.01}}
UNDECIDED = {"nli": {"support_threshold": 0.9, "contradict_threshold": 0.9}}


def make_inbox(folder: Path, count: int, *, broken: bool = False) -> Path:
    """``count`` variants of the bundled article (different bytes, same claims), plus a binary file if ``broken``."""
    folder.mkdir(parents=True, exist_ok=True)
    text = BUNDLED_ARTICLE.read_text(encoding="utf-8")
    for i in range(count):
        (folder / f"story{i}.txt").write_text(text.replace("this week", f"this week ({i})"), encoding="utf-8")
    if broken:
        (folder / "broken.txt").write_bytes(b"\x00\x01\xff\xfe" * 64)
    return folder


def _verdicts(report_file: str) -> dict:
    data = json.loads(Path(report_file).read_text(encoding="utf-8"))
    return {c["id"]: c for c in data["claims"]}


def test_inbox_run_checks_skips_rechecks_and_reports_verdict_changes(prefect_harness, tiny_config, tmp_path):
    inbox = make_inbox(tmp_path / "inbox", 2, broken=True)
    out = tmp_path / "out"
    args = dict(inbox=str(inbox), output=str(out), config_path=str(tiny_config), config_overrides=DECISIVE)

    first = check_inbox_flow(**args)
    assert sorted(c["article"] for c in first["checked"]) == ["story0.txt", "story1.txt"]
    (failure,) = first["failed"]
    assert failure["article"] == "broken.txt" and "binary" in failure["error"] and failure["permanent"]
    for entry in first["checked"]:
        report = json.loads(Path(entry["report"]).read_text(encoding="utf-8"))
        assert Path(entry["report"]).name == f"{Path(entry['article']).stem}-{entry['key'][:12]}.json"
        assert report["article"]["path"].endswith(entry["article"]) and report["claims"]
    assert json.loads(Path(first["summary_file"]).read_text(encoding="utf-8"))["failed"][0]["article"] == "broken.txt"

    second = check_inbox_flow(**args)
    assert second["checked"] == [] and second["failed"] == []
    assert sorted(s["article"] for s in second["skipped"]) == ["broken.txt", "story0.txt", "story1.txt"]

    # A new evidence set (and high thresholds, so that verdicts surely move): both articles are
    # re-checked and the flow reports exactly the verdicts that moved.
    evidence = tmp_path / "evidence.jsonl"
    evidence.write_text(
        json.dumps({"id": "kcna-1", "text": "North Korea said it will never give up its nuclear weapons."}) + "\n", encoding="utf-8"
    )
    third = check_inbox_flow(**{**args, "config_overrides": UNDECIDED}, evidence_paths=[str(evidence)])
    assert {c["reason"] for c in third["checked"]} == {"evidence changed"} and len(third["checked"]) == 2
    old_reports = {c["article"]: c["report"] for c in first["checked"]}
    expected = [
        change.to_dict()
        for entry in third["checked"]
        for change in diff_verdicts(entry["article"], _verdicts(old_reports[entry["article"]]), _verdicts(entry["report"]))
    ]
    assert expected, "verdicts should move from supported/contradicted to not_enough_evidence"
    assert sorted(third["changed_verdicts"], key=json.dumps) == sorted(expected, key=json.dumps)
    assert all(c["old"] != c["new"] and c["text"] for c in third["changed_verdicts"])


def test_input_errors_are_not_retried_other_errors_are():
    from prefect.states import Failed

    assert _retry_unless_input_error(None, None, Failed(data=InputError("article x looks binary"))) is False
    assert _retry_unless_input_error(None, None, Failed(data=TimeoutError("index locked"))) is True


def test_dask_settings_pick_the_task_runner(tiny_config):
    from prefect_dask import DaskTaskRunner

    assert task_runner_for(load_config(tiny_config)) is None
    local = task_runner_for(load_config(tiny_config, {"dask": {"local_workers": 2}}))
    assert isinstance(local, DaskTaskRunner)
    assert local.cluster_kwargs["n_workers"] == 2 and local.cluster_kwargs["processes"] is True
    remote = inbox_flow_for(load_config(tiny_config, {"dask": {"address": "tcp://127.0.0.1:8786"}})).task_runner
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://127.0.0.1:8786"
    with pytest.raises(InputError, match="local_workers"):
        task_runner_for(load_config(tiny_config, {"dask": {"local_workers": "two"}}))


@pytest.mark.slow
def test_check_inbox_on_two_dask_workers_loads_models_once_per_worker(prefect_harness, tiny_config, tmp_path, monkeypatch):
    from prefect.settings import PREFECT_API_URL

    # Worker processes must report to the same server, not start one each.
    monkeypatch.setenv("PREFECT_API_URL", PREFECT_API_URL.value())
    inbox = make_inbox(tmp_path / "inbox", 6)
    config = load_config(tiny_config, {"dask": {"local_workers": 2}})
    summary = inbox_flow_for(config)(
        inbox=str(inbox), output=str(tmp_path / "out"), config_path=str(tiny_config), config_overrides={"dask": {"local_workers": 2}}
    )
    assert len(summary["checked"]) == 6 and summary["failed"] == []
    workers = {(c["worker"]["pid"], c["worker"]["checker"]) for c in summary["checked"]}
    pids = {pid for pid, _ in workers}
    assert os.getpid() not in pids  # the work ran in the Dask worker processes
    assert len(workers) == len(pids) <= 2  # one checker (one model load) per worker process
    assert all(Path(c["report"]).is_file() for c in summary["checked"])


def test_cli_inbox_run_prints_the_summary_and_rejects_bad_input_in_one_line(prefect_harness, tiny_config, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app

    runner = CliRunner()
    inbox = make_inbox(tmp_path / "inbox", 1)
    out = tmp_path / "out"
    done = runner.invoke(app, ["inbox", "run", "--inbox", str(inbox), "--output", str(out), "--config", str(tiny_config)])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert [c["article"] for c in summary["checked"]] == ["story0.txt"] and Path(summary["checked"][0]["report"]).is_file()

    missing = runner.invoke(app, ["inbox", "run", "--inbox", str(tmp_path / "nope"), "--output", str(out)])
    assert missing.exit_code == 2 and missing.stderr.strip().splitlines() == [f"error: inbox {tmp_path / 'nope'} does not exist or is not a folder"]
    bad_cron = runner.invoke(app, ["schedule", "--inbox", str(inbox), "--output", str(out), "--cron", "every hour"])
    assert bad_cron.exit_code == 2 and "not a valid cron expression" in bad_cron.stderr
