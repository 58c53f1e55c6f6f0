"""`factcheck check --url --published` (or an HTML article's metadata) reaches the report, the review store and ClaimReview."""

from __future__ import annotations

import html
import json
import os
import subprocess
import sys

from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

import cli.review  # noqa: F401  (registers the export commands)
from cli.main import app as cli_app
from review import store
from review.store import DecisionInput
from tests.conftest import BUNDLED_ARTICLE, PROJECT_ROOT
from tests.review.claimreview_schema import claimreview_errors


def html_article(path, text: str, head: str) -> None:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n") if p.strip())
    path.write_text(f"<html><head><title>Summit</title>{head}</head><body><article><h1>Summit</h1>{paragraphs}</article></body></html>", encoding="utf-8")


def test_check_records_url_and_date_and_claimreview_uses_them(tmp_path, tiny_config, db_url, editors):
    article = tmp_path / "summit.html"
    html_article(
        article,
        # a year changed in a sentence the evidence states word for word: contradicted by the alignment rules, whatever the tiny NLI model says
        BUNDLED_ARTICLE.read_text(encoding="utf-8") + "\n\nHeather Nauert was the spokesperson for the U.S. State Department from 2017 to 2021.",
        '<link rel="canonical" href="https://news.example/2026/summit">'
        '<meta property="article:published_time" content="2026-11-20T08:00:00+00:00">',
    )
    config = tmp_path / "config.yaml"  # the tiny models, with the run recorded for review
    config.write_text(tiny_config.read_text(encoding="utf-8").replace("record_runs: false", "record_runs: true"), encoding="utf-8")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "FACTCHECK_DATABASE_URL": db_url}
    report = tmp_path / "r.json"
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "check", str(article), "--config", str(config), "--published", "2026-11-21", "-o", str(report)],
        cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(report.read_text(encoding="utf-8"))
    # the URL from the page's canonical link; the date given on the command line wins over the page's
    assert (data["article"]["url"], data["article"]["published"]) == ("https://news.example/2026/summit", "2026-11-21")

    with Session(store.get_engine(db_url)) as session:
        run = session.scalars(select(store.Run)).one()
        assert (run.article_url, run.article_published) == ("https://news.example/2026/summit", "2026-11-21")
        flag = next(f for f in run.flags if f.claim is not None and f.type != "needs_review")
        flag_pk = flag.id
    store.decide(store.get_engine(db_url), flag_pk=flag_pk, user_id=editors["alice"], decision=DecisionInput("accept"))
    out = tmp_path / "claimreview.json"
    result = CliRunner().invoke(
        cli_app, ["export", "claimreview", "-o", str(out), "--page-url", "https://fact.example/summit", "--database-url", db_url]
    )
    assert result.exit_code == 0, result.output
    (item,) = json.loads(out.read_text(encoding="utf-8"))
    assert claimreview_errors(item) == []
    assert item["itemReviewed"]["appearance"]["url"] == "https://news.example/2026/summit"
    assert item["itemReviewed"]["appearance"]["datePublished"] == item["itemReviewed"]["datePublished"] == "2026-11-21"


def test_bad_url_or_date_is_one_line_before_anything_starts(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Kim Jong Un met Donald Trump in Singapore on 12 June 2018.\n", encoding="utf-8")
    runner = CliRunner()
    for option, value, message in (
        ("--url", "file:///etc/passwd", "the article URL must start with http:// or https://"),
        ("--url", "https://", "the article URL must start with http:// or https://"),
        ("--published", "30/11/2026", "the publication date must be ISO 8601"),
        ("--published", "2026-02-30", "the publication date must be ISO 8601"),
    ):
        result = runner.invoke(cli_app, ["check", str(article), option, value, "-o", str(tmp_path / "r.json")])
        assert result.exit_code == 2, (option, value, result.output)
        assert message in result.output and len(result.output.strip().splitlines()) == 1
        assert "Traceback" not in result.output and not (tmp_path / "r.json").exists()
