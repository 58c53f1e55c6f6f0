"""Exports (retraining JSON Lines, ClaimReview) and the CLI commands."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import cli.review  # noqa: F401  (registers the commands)
from cli.groups import app as cli_app
from review import exports, store
from review.store import DecisionInput
from tests.review.conftest import flag_pk
from tests.review.claimreview_schema import claimreview_errors
from tests.review.sample_report import SCRIPT, sample_report

MISSILES = "North Korea has tested no missiles since 2010, officials said."
COST = f"Officials said the summit cost $20 million {SCRIPT}."


def _decide(db_url, run_id, user_id, flag_id, *actions, correction=None):
    engine = store.get_engine(db_url)
    pk = flag_pk(run_id, flag_id, db_url)
    for action in actions:
        with Session(engine) as session:
            latest = store.latest_decision(session, pk)
        store.decide(
            engine,
            flag_pk=pk,
            user_id=user_id,
            decision=DecisionInput(action, correction=correction, seen_decision_id=latest.id if latest else 0),
        )


@pytest.fixture()
def decided(db_url, run_id, editors):
    """contradicted: accepted; unsupported: accepted then rejected (final: reject);
    misattribution and name flags accepted (not claim-level); quote corrected."""
    alice, bob = editors["alice"], editors["bob"]
    _decide(db_url, run_id, alice, "f-contra", "accept")
    _decide(db_url, run_id, alice, "f-unsup", "accept")
    _decide(db_url, run_id, bob, "f-unsup", "reject")
    _decide(db_url, run_id, alice, "f-misattr", "accept")
    _decide(db_url, run_id, alice, "f-name", "accept")
    _decide(db_url, run_id, bob, "f-quote", "correct", correction='"a triumph."')
    return db_url


def _rows(db_url):
    with Session(store.get_engine(db_url)) as session:
        return exports.decision_rows(session)


def test_decision_rows_have_the_retraining_format_and_label_mapping(decided):
    rows = _rows(decided)
    assert [set(row) for row in rows] == [{"text", "label", "claim_id", "decision", "editor", "decided_at"}] * 2
    by_claim = {row["claim_id"]: row for row in rows}
    assert by_claim["c-missiles"]["text"] == MISSILES
    assert (by_claim["c-missiles"]["decision"], by_claim["c-missiles"]["label"], by_claim["c-missiles"]["editor"]) == ("accept", 1, "alice")
    # the final decision counts: bob's reject overrides alice's accept
    assert (by_claim["c-cost"]["decision"], by_claim["c-cost"]["label"], by_claim["c-cost"]["editor"]) == ("reject", 0, "bob")
    assert by_claim["c-cost"]["text"] == COST
    for row in rows:
        assert isinstance(row["label"], int) and not isinstance(row["label"], bool)
        assert datetime.fromisoformat(row["decided_at"]).utcoffset().total_seconds() == 0


def test_open_and_corrected_claim_flags_are_not_exported(db_url, run_id, editors):
    assert _rows(db_url) == []
    _decide(db_url, run_id, editors["alice"], "f-contra", "correct", correction="Tested in 2017.")
    assert _rows(db_url) == []


def test_claimreview_items(decided):
    with Session(store.get_engine(decided)) as session:
        items = exports.claimreview_items(session, {"name": "Example Fact Desk", "url": "https://fact.example"})
    by_claim = {item["claimReviewed"]: item for item in items}
    assert set(by_claim) == {MISSILES, COST, '"We have developed a very special bond," Heather Nuart said after the summit.'}
    missiles = by_claim[MISSILES]
    assert missiles["@context"] == "https://schema.org" and missiles["@type"] == "ClaimReview"
    assert missiles["reviewRating"]["alternateName"] == "False"
    assert missiles["reviewRating"]["ratingValue"] == 1
    assert missiles["author"] == {"@type": "Organization", "name": "Example Fact Desk", "url": "https://fact.example"}
    assert missiles["itemReviewed"]["@type"] == "Claim"
    assert missiles["itemReviewed"]["appearance"]["@type"] == "CreativeWork"
    assert "url" not in missiles["itemReviewed"]["appearance"]  # the local path is no public address
    assert "author" not in missiles["itemReviewed"]  # no speaker known
    assert missiles["url"] == "https://fact.example#c-missiles"
    datetime.fromisoformat(missiles["datePublished"])
    # unsupported flag rejected by the editors, verdict not_enough_evidence
    assert by_claim[COST]["reviewRating"]["alternateName"] == "No issue found"
    bond = by_claim['"We have developed a very special bond," Heather Nuart said after the summit.']
    assert bond["reviewRating"]["alternateName"] == "Misattributed"
    assert bond["itemReviewed"]["author"] == {"@type": "Person", "name": "Heather Nuart"}


def test_cli_users_add_then_exports(tmp_path, db_url, run_id):
    runner = CliRunner()
    result = runner.invoke(cli_app, ["users", "add", "carol", "--password-stdin", "--database-url", db_url], input="s3cret pass\n")
    assert result.exit_code == 0, result.output
    with Session(store.get_engine(db_url)) as session:
        from sqlalchemy import select

        carol = session.scalar(select(store.User).where(store.User.username == "carol"))
    from review.security import verify_password

    assert verify_password(carol.password_hash, "s3cret pass")
    again = runner.invoke(cli_app, ["users", "add", "carol", "--password-stdin", "--database-url", db_url], input="x\n")
    assert again.exit_code == 2 and "already exists" in again.output

    _decide(db_url, run_id, carol.id, "f-contra", "reject")
    out = tmp_path / "out" / "decisions.jsonl"
    result = runner.invoke(cli_app, ["export", "decisions", "--output", str(out), "--database-url", db_url])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines == [
        {"text": MISSILES, "label": 0, "claim_id": "c-missiles", "decision": "reject", "editor": "carol",
         "decided_at": lines[0]["decided_at"]}
    ]
    review_file = tmp_path / "claimreview.json"
    result = runner.invoke(cli_app, ["export", "claimreview", "--output", str(review_file), "--database-url", db_url])
    assert result.exit_code == 0, result.output
    items = json.loads(review_file.read_text(encoding="utf-8"))
    assert [item["claimReviewed"] for item in items] == [MISSILES]
    assert items[0]["author"]["name"] == "Fact desk"


def test_cli_users_add_prompts_with_confirmation(db_url):
    runner = CliRunner()
    result = runner.invoke(cli_app, ["users", "add", "dave", "--database-url", db_url], input="pw1\npw1\n")
    assert result.exit_code == 0, result.output
    assert "pw1" not in result.output  # hidden input is not echoed


def test_cli_empty_password_is_one_line_error(db_url):
    result = CliRunner().invoke(cli_app, ["users", "add", "erin", "--password-stdin", "--database-url", db_url], input="\n")
    assert result.exit_code == 2
    assert result.output.strip() == "error: password must not be empty"


def test_the_retraining_loader_reads_the_export(decided, tmp_path):
    """The classifier side (pipeline.registry.load_decisions) accepts our file as written."""
    from pipeline.registry import load_decisions

    path = exports.write_atomically(tmp_path / "decisions.jsonl", exports.jsonl_text(_rows(decided)))
    loaded = {(d.claim_id, d.label, d.decision, d.editor) for d in load_decisions([path])}
    assert loaded == {("c-missiles", 1, "accept", "alice"), ("c-cost", 0, "reject", "bob")}


def test_needs_review_flags_are_no_rating_and_decisions_export_still_works(db_url, editors):
    from tests.review.sample_report import sample_report_v2

    run = store.record_run(sample_report_v2(), database_url=db_url)
    alice = editors["alice"]
    _decide(db_url, run, alice, "f-review", "accept")  # the only decided flag of c-cost
    _decide(db_url, run, alice, "f-contra", "accept")
    _decide(db_url, run, alice, "f-misattr", "correct", correction="Donald Trump said")
    _decide(db_url, run, alice, "f-review", "correct", correction="The cost is disputed.")
    with Session(store.get_engine(db_url)) as session:
        items = exports.claimreview_items(session, {"name": "Desk"})
    by_claim = {item["identifier"]: item for item in items}
    assert set(by_claim) == {"c-missiles", "c-bond"}  # c-cost had only a needs_review decision
    assert by_claim["c-missiles"]["reviewRating"]["alternateName"] == "False"
    assert all("The cost is disputed." not in item.get("reviewBody", "") for item in items)
    rows = _rows(db_url)
    assert [(r["claim_id"], r["label"]) for r in rows] == [("c-missiles", 1)]


def test_claimreview_export_has_schema_orgs_claimreview_shape(db_url, editors):
    report = sample_report()
    report["article"].update(url="https://news.example/2026/summit", published="2026-11-26", title="  The  summit \n")
    run = store.record_run(report, database_url=db_url)
    alice, bob = editors["alice"], editors["bob"]
    _decide(db_url, run, alice, "f-contra", "accept")
    _decide(db_url, run, bob, "f-unsup", "reject")
    _decide(db_url, run, alice, "f-misattr", "accept")
    _decide(db_url, run, bob, "f-quote", "correct", correction='"a triumph."')
    with Session(store.get_engine(db_url)) as session:
        items = exports.claimreview_items(session, {"name": " Example Fact Desk ", "url": ""}, "https://fact.example/reviews/summit")
    assert len(items) == 3
    for item in items:
        assert claimreview_errors(item) == [], item
        claim = item["itemReviewed"]
        assert claim["appearance"] == claim["firstAppearance"] == {
            "@type": "CreativeWork", "name": "The summit", "url": "https://news.example/2026/summit", "datePublished": "2026-11-26"
        }
        assert claim["datePublished"] == "2026-11-26"  # when the claim was made; the review's own date is the decision's
        assert item["url"] == f"https://fact.example/reviews/summit#{item['identifier']}"
        assert item["author"] == {"@type": "Organization", "name": "Example Fact Desk"}


@pytest.mark.parametrize(
    "break_it, where",
    [
        (lambda item: item.pop("@context"), "(item): '@context' is a required property"),
        (lambda item: item.update(claimReviewed=" padded "), "claimReviewed"),
        (lambda item: item["itemReviewed"]["appearance"].update(url="examples/hostile/article.txt"), "itemReviewed/appearance/url"),
        (lambda item: item["itemReviewed"].update({"@type": "CreativeWork"}), "itemReviewed/@type"),
        (lambda item: item["reviewRating"].pop("bestRating"), "reviewRating"),
        (lambda item: item["reviewRating"].update(ratingValue=9), "outside worstRating..bestRating"),
        (lambda item: item.update(datePublished="27/11/2026"), "datePublished"),
        (lambda item: item.pop("url"), "'url' is a required property"),
    ],
)
def test_the_claimreview_shape_refuses_what_google_would(break_it, where):
    item = {
        "@context": "https://schema.org", "@type": "ClaimReview", "url": "https://fact.example/r#c1", "claimReviewed": "A claim.",
        "reviewRating": {"@type": "Rating", "alternateName": "False", "ratingValue": 1, "bestRating": 5, "worstRating": 1},
        "itemReviewed": {"@type": "Claim", "appearance": {"@type": "CreativeWork", "url": "https://news.example/a", "datePublished": "2026-11-26"}},
        "author": {"@type": "Organization", "name": "Desk"}, "datePublished": "2026-11-27",
    }
    assert claimreview_errors(item) == []
    break_it(item)
    assert any(where in error for error in claimreview_errors(item))


def test_cli_claimreview_page_url_must_be_http(tmp_path, db_url, run_id):
    result = CliRunner().invoke(
        cli_app, ["export", "claimreview", "--output", str(tmp_path / "c.json"), "--page-url", "javascript:alert(1)", "--database-url", db_url]
    )
    assert result.exit_code == 2 and "--page-url must start with http" in result.output
    assert len(result.output.strip().splitlines()) == 1 and not (tmp_path / "c.json").exists()
