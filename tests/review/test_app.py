"""The review web app through FastAPI's TestClient: login, CSRF, escaping, decisions, filters."""

from __future__ import annotations

import json
import re

import pytest
from starlette.routing import Mount, Route

from tests.review.conftest import csrf_from, decide, flag_pk, login, seen_from
from tests.review.sample_report import IMG, SCRIPT

HOSTILE = (SCRIPT, IMG, "<img", "<script>")


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def _routes(app):
    """(method, path) of every route, including those of included routers."""
    pending = list(app.routes)
    while pending:
        route = pending.pop(0)
        if hasattr(route, "original_router"):  # FastAPI keeps included routers nested
            pending.extend(route.original_router.routes)
        elif isinstance(route, Route) and not isinstance(route, Mount):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, route.path


def test_every_page_but_login_redirects_anonymous_users_and_api_answers_401(app, client):
    checked = 0
    for method, path in _routes(app):
        if path == "/login":
            continue
        response = client.request(method, _concrete(path), follow_redirects=False)
        if path.startswith("/api/"):
            assert response.status_code == 401, (method, path)
            assert response.json() == {"detail": "not logged in"}
        else:
            assert response.status_code == 303, (method, path)
            assert response.headers["location"].startswith("/login?next=")
        checked += 1
    assert checked >= 10
    assert client.get("/login").status_code == 200


def test_redirect_remembers_the_page_and_login_returns_there(client):
    response = client.get("/runs/1?type=unsupported", follow_redirects=False)
    assert response.headers["location"] == "/login?next=%2Fruns%2F1%3Ftype%3Dunsupported"
    token = csrf_from(client.get(response.headers["location"]).text)
    data = {"username": "alice", "password": "correct horse battery staple", "csrf_token": token, "next": "/runs/1?type=unsupported"}
    response = client.post("/login", data=data, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/runs/1?type=unsupported"


def test_login_refuses_open_redirects(client):
    token = csrf_from(client.get("/login").text)
    data = {"username": "alice", "password": "correct horse battery staple", "csrf_token": token, "next": "//evil.example/x"}
    assert client.post("/login", data=data, follow_redirects=False).headers["location"] == "/"


def test_bad_password_and_unknown_user_are_refused(client):
    for username, password in (("alice", "wrong"), ("mallory", "correct horse battery staple")):
        response = login(client, username, password)
        assert response.status_code == 401
        assert "Wrong username or password." in response.text
        assert client.get("/", follow_redirects=False).status_code == 303


def test_session_cookie_is_httponly_and_samesite_lax(client):
    response = login(client)
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert "alice" not in cookie and "battery" not in cookie


def test_login_without_csrf_token_is_forbidden(client):
    client.get("/login")
    response = client.post("/login", data={"username": "alice", "password": "correct horse battery staple"})
    assert response.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_forged_post_is_forbidden_on_every_post_route(app, alice, db_url, run_id, token):
    pk = flag_pk(run_id, "f-contra", db_url)
    posts = [path for method, path in _routes(app) if method == "POST" and path != "/login"]
    assert posts, "no POST routes found"
    for path in posts:
        data = {"action": "reject", "seen_decision_id": "0"}
        if token is not None:
            data["csrf_token"] = token
        response = alice.post(path.replace("{flag_pk}", str(pk)), data=data, follow_redirects=False)
        assert response.status_code == 403, path
        assert "CSRF" in response.text
    # Nothing was decided, and the session is still logged in (the logout was refused too).
    page = alice.get(f"/flags/{pk}")
    assert page.status_code == 200
    assert 'id="flag-status">open<' in page.text


def test_json_post_without_form_token_is_forbidden(alice, db_url, run_id):
    pk = flag_pk(run_id, "f-contra", db_url)
    response = alice.post(f"/flags/{pk}/decisions", json={"action": "reject", "seen_decision_id": 0})
    assert response.status_code == 403


def _assert_escaped(html: str) -> None:
    for payload in HOSTILE:
        assert payload not in html, payload
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/review.js" defer>']  # only our own
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_script_article_is_escaped_in_runs_list_article_view_and_flag_detail(alice, db_url, run_id):
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in alice.get("/").text
    assert SCRIPT not in alice.get("/").text
    _assert_escaped(alice.get(f"/runs/{run_id}").text)
    # unsupported flag: the claim, message and suggestion carry both payloads
    _assert_escaped(alice.get(f"/flags/{flag_pk(run_id, 'f-unsup', db_url)}").text)
    # contradicted flag: the evidence passage carries the img payload
    detail = alice.get(f"/flags/{flag_pk(run_id, 'f-contra', db_url)}").text
    assert IMG not in detail and "&lt;img src=x onerror=alert(1)&gt;" in detail
    assert "agency &lt;b&gt;wire&lt;/b&gt;" in detail


def test_pages_send_a_script_restricting_content_security_policy(alice, run_id):
    policy = alice.get(f"/runs/{run_id}").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_article_view_highlights_each_flag_with_its_type(alice, run_id):
    html = alice.get(f"/runs/{run_id}").text
    article = html[html.index('<article'):html.index("</article>")]
    marks = re.findall(r'<mark class="flag ([^"]+)" data-flags="([^"]+)"[^>]*>(.*?)</mark>', article, re.S)
    assert ("misattribution name_misspelling overlap", "3 4", "Heather Nuart") in [(c, f, t) for c, f, t in marks]
    assert any(c == "contradicted" and t.startswith("North Korea has tested no missiles") for c, _, t in marks)
    assert any(c == "malformed_quote" and t == "&#34;a triumph." for c, _, t in marks)
    # Highlighting cuts, never reorders: stripping the tags gives back the escaped article.
    text = re.sub(r"</?mark[^>]*>", "", article.split(">", 1)[1])
    assert "A reader wrote: &#34;&gt;&lt;img src=x onerror=alert(1)&gt; and called it &#34;a triumph." in text


def test_flag_detail_shows_evidence_verdict_and_confidence(alice, db_url, run_id):
    html = alice.get(f"/flags/{flag_pk(run_id, 'f-contra', db_url)}").text
    assert "North Korea tested an ICBM in November 2017." in html
    assert "contradicted" in html and "93%" in html
    name = alice.get(f"/flags/{flag_pk(run_id, 'f-name', db_url)}").text
    # a flag without a claim shows the passages it cites, found under another claim
    assert "State Department spokesperson Heather Nauert briefed reporters." in name
    assert "Trump and Kim met in Singapore" not in name
    assert "the roster of people (--roster), entry 2" in name  # a roster entry the report does not list


def test_decision_is_persisted_and_history_kept(alice, bob, db_url, run_id):
    pk = flag_pk(run_id, "f-contra", db_url)
    response = decide(alice, pk, "reject", note="evidence is about a different test")
    # the next open flag of the article opens, saying the decision was saved
    following = flag_pk(run_id, "f-unsup", db_url)
    assert response.status_code == 303 and response.headers["location"] == f"/flags/{following}?decided={pk}"
    assert "Decision saved on the contradicted flag" in alice.get(response.headers["location"]).text
    assert decide(bob, pk, "correct", correction="North Korea last tested a missile in 2017.").status_code == 303
    page = alice.get(f"/flags/{pk}").text
    assert 'id="flag-status">correct<' in page
    history = page[page.index('id="history"'):]
    assert history.index("bob") < history.index("alice")  # newest first
    assert "evidence is about a different test" in history
    api = alice.get(f"/api/flags/{pk}").json()
    assert [(d["action"], d["editor"]) for d in api["history"]] == [("reject", "alice"), ("correct", "bob")]
    assert api["status"] == "correct"
    everything = alice.get("/history").text
    assert "North Korea last tested a missile in 2017." in everything


def test_stale_write_is_refused_with_409_and_a_message(alice, bob, db_url, run_id):
    pk = flag_pk(run_id, "f-unsup", db_url)
    bob_page = bob.get(f"/flags/{pk}").text  # bob opens the flag...
    assert decide(alice, pk, "accept").status_code == 303  # ...alice decides first
    data = {"csrf_token": csrf_from(bob_page), "seen_decision_id": seen_from(bob_page), "action": "reject", "note": "mine"}
    response = bob.post(f"/flags/{pk}/decisions", data=data)
    assert response.status_code == 409
    assert "was decided since you opened it" in response.text and "accept by alice" in response.text
    assert 'id="flag-status">accept<' in response.text
    assert ">mine</textarea>" in response.text  # bob's note is kept for a resubmit
    assert [d["action"] for d in alice.get(f"/api/flags/{pk}").json()["history"]] == ["accept"]
    # The refusal page carries the new version: resubmitting from it works.
    data["seen_decision_id"] = seen_from(response.text)
    assert bob.post(f"/flags/{pk}/decisions", data=data, follow_redirects=False).status_code == 303


def test_correct_without_text_and_bad_action_are_400(alice, db_url, run_id):
    pk = flag_pk(run_id, "f-quote", db_url)
    response = decide(alice, pk, "correct", correction="")
    assert response.status_code == 400 and "needs the corrected text" in response.text
    response = decide(alice, pk, "delete")
    assert response.status_code == 400 and "got &#39;delete&#39;" in response.text


def _listed_flags(html: str) -> list[str]:
    return re.findall(r'<li class="flag-row ([a-z_]+)[^"]*"', html)


def test_flag_list_filters_by_type_and_status(alice, db_url, run_id):
    assert len(_listed_flags(alice.get(f"/runs/{run_id}").text)) == 5
    assert _listed_flags(alice.get(f"/runs/{run_id}?type=name_misspelling").text) == ["name_misspelling"]
    decide(alice, flag_pk(run_id, "f-name", db_url), "accept")
    decide(alice, flag_pk(run_id, "f-quote", db_url), "reject")
    assert _listed_flags(alice.get(f"/runs/{run_id}?status=accept").text) == ["name_misspelling"]
    assert _listed_flags(alice.get(f"/runs/{run_id}?status=open").text) == ["contradicted", "unsupported", "misattribution"]
    assert _listed_flags(alice.get(f"/runs/{run_id}?type=malformed_quote&status=open").text) == []
    response = alice.get(f"/runs/{run_id}?type=typo")
    assert response.status_code == 400 and "type must be one of" in response.text


def test_runs_list_counts_flags_by_type_and_status(alice, db_url, run_id):
    decide(alice, flag_pk(run_id, "f-contra", db_url), "reject")
    runs = alice.get("/api/runs").json()["runs"]
    assert runs[0]["flags"] == 5
    assert runs[0]["by_type"] == {
        "contradicted": 1, "unsupported": 1, "misattribution": 1, "name_misspelling": 1, "malformed_quote": 1,
    }
    assert runs[0]["by_status"] == {"open": 4, "reject": 1}
    html = alice.get("/").text
    assert f'href="/runs/{run_id}?status=reject">1<' in html and f'href="/runs/{run_id}?status=open">4<' in html


def test_download_links_export_decisions_and_claimreview(alice, db_url, run_id):
    decide(alice, flag_pk(run_id, "f-contra", db_url), "accept")
    decide(alice, flag_pk(run_id, "f-unsup", db_url), "reject")
    home = alice.get("/").text
    assert 'href="/export/decisions.jsonl"' in home and 'href="/export/claimreview.json"' in home
    response = alice.get("/export/decisions.jsonl")
    assert "attachment" in response.headers["content-disposition"]
    rows = [json.loads(line) for line in response.text.splitlines()]
    assert sorted((r["claim_id"], r["label"]) for r in rows) == [("c-cost", 0), ("c-missiles", 1)]
    items = alice.get("/export/claimreview.json").json()
    assert {item["claimReviewed"] for item in items} == {
        "North Korea has tested no missiles since 2010, officials said.",
        f"Officials said the summit cost $20 million {SCRIPT}.",
    }


def test_logout_ends_the_session(alice):
    token = csrf_from(alice.get("/").text)
    assert alice.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert alice.get("/", follow_redirects=False).status_code == 303


def test_login_page_sends_a_logged_in_editor_on(alice):
    response = alice.get("/login?next=/history", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/history"


def test_decisions_from_an_earlier_check_of_the_same_article_are_shown(alice, db_url, run_id):
    from review import store
    from tests.review.sample_report import sample_report

    decide(alice, flag_pk(run_id, "f-name", db_url), "reject", note="the spelling is the source's")
    rerun = store.record_run(sample_report(created_at="2026-11-28T08:00:00+00:00"), database_url=db_url)
    page = alice.get(f"/flags/{flag_pk(rerun, 'f-name', db_url)}").text
    assert 'id="flag-status">open<' in page  # a new check starts open...
    earlier = page[page.index('id="other-runs"'):]
    assert f"run {run_id}" in earlier and "reject" in earlier and "the spelling is the source" in earlier  # ...with the history
    assert 'id="other-runs"' not in alice.get(f"/flags/{flag_pk(rerun, 'f-quote', db_url)}").text


# --------------------------------------------------------------------------- report schema 2


def _v2_run(db_url) -> int:
    from review import store
    from tests.review.sample_report import sample_report_v2

    return store.record_run(sample_report_v2(), database_url=db_url)


def test_flag_page_shows_article_and_source_sentence_with_changed_words_marked(alice, db_url, run_id):
    run = _v2_run(db_url)
    html = alice.get(f"/flags/{flag_pk(run, 'f-contra', db_url)}").text
    article = html[html.index('id="article-sentence"'):]
    article = article[: article.index("</blockquote>")]
    source = html[html.index('id="source-sentence"'):]
    source = source[: source.index("</blockquote>")]
    assert '<mark class="change" title="negation">no</mark>' in article
    assert '<mark class="change" title="number">2010</mark>' in article
    assert "North Korea has tested " in article
    assert '<mark class="change" title="number">2017</mark>' in source
    # a changed word that is markup stays escaped, marked or listed
    assert '<mark class="change" title="content">&lt;script&gt;alert(1)&lt;/script&gt;</mark>' in source
    assert SCRIPT not in html
    changes = html[html.index('id="changes"'):html.index("</table>", html.index('id="changes"'))]
    assert "<q>2010</q>" in changes and "<q>2017</q>" in changes and "number" in changes and "negation" in changes
    # the suggestion-less contradicted flag has nothing pre-filled as a correction
    assert re.search(r'<textarea name="correction" id="correction" rows="2" maxlength="5000"></textarea>', html)


def test_flag_page_without_source_sentence_has_no_comparison(alice, db_url, run_id):
    html = alice.get(f"/flags/{flag_pk(run_id, 'f-contra', db_url)}").text
    assert 'id="compare"' not in html and 'id="changes"' not in html
    unsupported = alice.get(f"/flags/{flag_pk(run_id, 'f-unsup', db_url)}").text
    assert "Remove the figure" in unsupported[unsupported.index('id="correction"'):]  # suggestion pre-filled


def test_needs_review_flags_are_filterable_and_described(alice, db_url, run_id):
    run = _v2_run(db_url)
    listing = alice.get(f"/runs/{run}").text
    assert '<option value="needs_review">needs review</option>' in listing
    assert _listed_flags(alice.get(f"/runs/{run}?type=needs_review").text) == ["needs_review"]
    assert "needs review: the checker could not decide" in alice.get(f"/runs/{run}?type=needs_review").text
    page = alice.get(f"/flags/{flag_pk(run, 'f-review', db_url)}").text
    assert '<span class="type needs_review"' in page and "needs review: the checker could not decide" in page
    assert "needs review" in alice.get("/").text
    api = alice.get(f"/api/flags/{flag_pk(run, 'f-contra', db_url)}").json()
    assert api["changes"][1]["source"] == "2017" and api["source_sentence"].startswith("North Korea has tested missiles")
