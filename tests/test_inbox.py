import json
from pathlib import Path

import pytest

from pipeline.errors import InputError
from pipeline.inbox import (
    Ledger,
    check_key,
    diff_verdicts,
    evidence_fingerprint,
    file_sha256,
    report_path,
    scan_inbox,
    write_summary,
)

MODELS = {"embedder": "minilm@1", "claims": "heuristic-v1", "nli": "nli@abc"}


def _inbox(tmp_path, **files):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, text in files.items():
        (inbox / name.replace("_", ".")).write_text(text, encoding="utf-8")
    return inbox


def test_scan_finds_articles_only(tmp_path):
    inbox = _inbox(tmp_path, a_txt="a", b_md="b", c_html="<p>c</p>", d_json="{}", e_csv="x", notes_pdf="p", memo_docx="w", x_png="i")
    (inbox / ".hidden.txt").write_text("h")
    (inbox / "sub").mkdir()
    (inbox / "sub" / "deep.txt").write_text("d")
    assert [p.name for p in scan_inbox(inbox)] == ["a.txt", "b.md", "c.html", "d.json", "memo.docx", "notes.pdf"]
    with pytest.raises(InputError, match="nowhere"):
        scan_inbox(tmp_path / "nowhere")


def test_key_changes_with_article_evidence_or_model_only(tmp_path):
    base = check_key("a" * 64, "ev1", MODELS)
    assert base == check_key("a" * 64, "ev1", dict(reversed(list(MODELS.items()))))  # order does not matter
    assert len({base, check_key("b" * 64, "ev1", MODELS), check_key("a" * 64, "ev2", MODELS), check_key("a" * 64, "ev1", {**MODELS, "nli": "nli@def"})}) == 4
    assert report_path(tmp_path, "in/story.txt", base) == tmp_path / f"story-{base[:12]}.json"


def test_evidence_fingerprint_follows_roster_bytes(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name\nHeather Nauert\n")
    before = evidence_fingerprint("passages1", roster)
    assert before != evidence_fingerprint("passages2", roster)
    roster.write_text("name\nHeather Nauert\nMoon Jae-in\n")
    assert before != evidence_fingerprint("passages1", roster)
    assert evidence_fingerprint("passages1", None) == evidence_fingerprint("passages1", tmp_path / "missing.csv")


def _check_all(ledger, inbox, out, evidence, verdicts_by_name):
    """What the flow does with each job: write a report, record it; returns (jobs, changes)."""
    plan = ledger.plan(scan_inbox(inbox), out, evidence, MODELS)
    changes = []
    for job in plan.jobs:
        report = {"claims": [{"id": cid, "text": f"claim {cid}", "verdict": v} for cid, v in verdicts_by_name[job.name].items()]}
        out.mkdir(exist_ok=True)
        with open(job.report, "w") as fh:
            json.dump(report, fh)
        changes += ledger.record_checked(job, evidence, MODELS, {c["id"]: c for c in report["claims"]})
    ledger.save()
    return plan, changes


def test_ledger_skips_unchanged_rechecks_changed_and_diffs_verdicts(tmp_path):
    inbox = _inbox(tmp_path, one_txt="First story.", two_txt="Second story.")
    out = tmp_path / "out"
    verdicts = {"one.txt": {"c-1": "supported", "c-2": "not_enough_evidence"}, "two.txt": {"c-3": "supported"}}

    plan, changes = _check_all(Ledger.load(out), inbox, out, "ev1", verdicts)
    assert [(j.name, j.reason) for j in plan.jobs] == [("one.txt", "new"), ("two.txt", "new")] and changes == []

    # A fresh process (ledger read back from disk) skips everything.
    plan, _ = _check_all(Ledger.load(out), inbox, out, "ev1", verdicts)
    assert plan.jobs == () and [s.reason for s in plan.skipped] == ["unchanged", "unchanged"]

    # Editing one article re-checks just that one; a deleted report is re-made.
    (inbox / "two.txt").write_text("Second story, corrected.")
    plan, _ = _check_all(Ledger.load(out), inbox, out, "ev1", verdicts)
    assert [(j.name, j.reason) for j in plan.jobs] == [("two.txt", "article changed")]
    Path(plan.jobs[0].report).unlink()
    plan, _ = _check_all(Ledger.load(out), inbox, out, "ev1", verdicts)
    assert [(j.name, j.reason) for j in plan.jobs] == [("two.txt", "report missing")]

    # New evidence: everything is re-checked and the changed verdict is reported, old -> new.
    verdicts["one.txt"]["c-2"] = "contradicted"
    plan, changes = _check_all(Ledger.load(out), inbox, out, "ev2", verdicts)
    assert {j.reason for j in plan.jobs} == {"evidence changed"}
    assert [c.to_dict() for c in changes] == [
        {"article": "one.txt", "claim_id": "c-2", "text": "claim c-2", "old": "not_enough_evidence", "new": "contradicted"}
    ]
    stored = json.loads((out / "inbox-ledger.json").read_text())
    assert stored["articles"]["one.txt"]["verdicts"]["c-2"]["verdict"] == "contradicted"


def test_permanent_failures_wait_for_a_change_transient_ones_retry(tmp_path):
    inbox = _inbox(tmp_path, bad_txt="x", flaky_txt="y")
    out = tmp_path / "out"
    ledger = Ledger.load(out)
    bad, flaky = ledger.plan(scan_inbox(inbox), out, "ev", MODELS).jobs
    ledger.record_failed(bad, "ev", MODELS, "InputError: looks binary", permanent=True)
    ledger.record_failed(flaky, "ev", MODELS, "TimeoutError", permanent=False)
    ledger.save()
    plan = Ledger.load(out).plan(scan_inbox(inbox), out, "ev", MODELS)
    assert [(j.name, j.reason) for j in plan.jobs] == [("flaky.txt", "retry after failure")]
    assert [(s.name, s.reason) for s in plan.skipped] == [("bad.txt", "failed before: InputError: looks binary")]
    (inbox / "bad.txt").write_text("fixed")
    assert [j.name for j in Ledger.load(out).plan(scan_inbox(inbox), out, "ev", MODELS).jobs] == ["bad.txt", "flaky.txt"]


def test_failures_are_listed_until_fixed_and_retry_failed_rechecks_them(tmp_path):
    inbox = _inbox(tmp_path, bad_txt="x", good_txt="y")
    out = tmp_path / "out"
    ledger = Ledger.load(out)
    bad, good = ledger.plan(scan_inbox(inbox), out, "ev", MODELS).jobs
    ledger.record_failed(bad, "ev", MODELS, "InputError: looks binary", permanent=True)
    out.mkdir()
    Path(good.report).write_text("{}")
    ledger.record_checked(good, "ev", MODELS, {})
    ledger.save()
    ledger = Ledger.load(out)
    # A later run skips the permanent failure but still lists it as failing.
    assert [j.name for j in ledger.plan(scan_inbox(inbox), out, "ev", MODELS).jobs] == []
    assert [(f["article"], f["error"], f["permanent"]) for f in ledger.failures(scan_inbox(inbox))] == [("bad.txt", "InputError: looks binary", True)]
    retried = ledger.plan(scan_inbox(inbox), out, "ev", MODELS, retry_failed=True)
    assert [(j.name, j.reason) for j in retried.jobs] == [("bad.txt", "retry after failure")]
    ledger.record_checked(retried.jobs[0], "ev", MODELS, {})
    assert ledger.failures(scan_inbox(inbox)) == []
    # An article removed from the inbox is no longer reported.
    ledger.record_failed(bad, "ev", MODELS, "TimeoutError", permanent=False)
    (inbox / "bad.txt").unlink()
    assert ledger.failures(scan_inbox(inbox)) == []


def test_diff_ignores_claims_that_appear_or_disappear():
    old = {"c-1": {"text": "a", "verdict": "supported"}, "c-2": {"text": "b", "verdict": "supported"}}
    new = {"c-1": {"text": "a", "verdict": "supported"}, "c-3": {"text": "c", "verdict": "contradicted"}}
    assert diff_verdicts("x.txt", old, new) == []
    new["c-1"] = {"text": "a", "verdict": "contradicted"}
    assert [(c.claim_id, c.old, c.new) for c in diff_verdicts("x.txt", old, new)] == [("c-1", "supported", "contradicted")]


def test_corrupt_ledger_is_refused_not_overwritten(tmp_path):
    (tmp_path / "inbox-ledger.json").write_text("{not json")
    with pytest.raises(InputError, match="inbox-ledger.json"):
        Ledger.load(tmp_path)


def test_summary_files_are_distinct_and_complete(tmp_path):
    first = write_summary(tmp_path, {"checked": [], "failed": [{"article": "a", "error": "e"}]})
    second = write_summary(tmp_path, {"checked": []})
    assert first != second and first.name.startswith("summary-")
    assert json.loads(first.read_text())["failed"] == [{"article": "a", "error": "e"}]
    assert file_sha256(first) != file_sha256(second)


def test_inbox_run_exits_non_zero_while_an_article_is_failing(prefect_harness, tiny_config, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app
    from tests.test_check_inbox_flow import make_inbox

    inbox = make_inbox(tmp_path / "inbox", 1, broken=True)
    args = ["inbox", "run", "--inbox", str(inbox), "--output", str(tmp_path / "out"), "--config", str(tiny_config)]
    runner = CliRunner()

    first = runner.invoke(app, args)
    assert first.exit_code == 1, first.output
    assert [c["article"] for c in json.loads(first.stdout)["checked"]] == ["story0.txt"]

    # The next run checks nothing (the broken file is skipped) but still fails and names the article.
    second = runner.invoke(app, args)
    summary = json.loads(second.stdout)
    assert second.exit_code == 1 and summary["checked"] == [] and summary["failed"] == []
    assert [f["article"] for f in summary["failing"]] == ["broken.txt"]
    assert "failing: broken.txt: InputError" in second.stderr

    retried = runner.invoke(app, [*args, "--retry-failed"])
    assert retried.exit_code == 1 and [f["article"] for f in json.loads(retried.stdout)["failed"]] == ["broken.txt"]

    (inbox / "broken.txt").unlink()
    assert runner.invoke(app, args).exit_code == 0
