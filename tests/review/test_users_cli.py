"""`factcheck users passwd|disable|enable|role|unlock|remove|list`: each does what the admin page does and says so."""

from __future__ import annotations

from fastapi.testclient import TestClient
from typer.testing import CliRunner

import cli.review  # noqa: F401  (registers the commands)
from cli.groups import app as cli_app
from tests.review.conftest import PASSWORD, login


def _users(db_url: str, *args: str, stdin: str | None = None):
    return CliRunner().invoke(cli_app, ["users", *args, "--database-url", db_url], input=stdin)


def test_users_commands_manage_accounts_and_end_sessions(app, db_url):
    with TestClient(app) as alice:
        assert login(alice).status_code == 303
        changed = _users(db_url, "passwd", "alice", "--password-stdin", stdin="a brand new pass phrase\n")
        assert changed.exit_code == 0 and "New password for alice; 1 session(s) ended." in changed.output
        assert alice.get("/", follow_redirects=False).status_code == 303  # logged out by the change
        assert login(alice).status_code != 303 and login(alice, "alice", "a brand new pass phrase").status_code == 303

        disabled = _users(db_url, "disable", "alice")
        assert disabled.exit_code == 0 and "Disabled alice; 1 session(s) ended." in disabled.output
        assert "disabled" in _users(db_url, "list").output.split("alice", 1)[1].splitlines()[0]
        assert login(alice, "alice", "a brand new pass phrase").status_code != 303
        assert _users(db_url, "enable", "alice").output.strip() == "Enabled alice."
        assert login(alice, "alice", "a brand new pass phrase").status_code == 303

    assert _users(db_url, "role", "bob", "admin").output.strip() == "bob is now admin."
    listing = _users(db_url, "list").output.splitlines()
    assert listing[0].split() == ["user", "role", "state", "sessions", "failed_logins"]
    assert [line.split()[:3] for line in listing[1:]] == [["alice", "editor", "active"], ["bob", "admin", "active"]]
    assert _users(db_url, "unlock", "bob").output.strip() == "bob was not locked."
    removed = _users(db_url, "remove", "alice")
    assert removed.exit_code == 0 and "alice; its sessions ended." in removed.output
    assert [line.split()[0] for line in _users(db_url, "list").output.splitlines()[1:]] == ["bob"]


def test_users_commands_refuse_unknown_accounts_and_roles_in_one_line(app, db_url):
    for args in (("disable", "mallory"), ("role", "bob", "owner"), ("passwd", "mallory", "--password-stdin")):
        result = _users(db_url, *args, stdin="x long enough\n")
        assert result.exit_code == 2, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert login(TestClient(app), "bob", PASSWORD).status_code == 303  # nothing changed
