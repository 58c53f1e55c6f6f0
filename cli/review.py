"""`factcheck serve`, `factcheck users add|list|passwd|disable|enable|remove|unlock|role`, `factcheck export decisions|claimreview`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from cli.groups import app, export_app, one_line_errors, users_app
from pipeline.errors import InputError

DatabaseUrl = Annotated[
    Optional[str],
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL of the review database (default: $FACTCHECK_DATABASE_URL, "
        "config review.database_url, or $FACTCHECK_HOME/review.sqlite).",
    ),
]


@app.command("serve")
@one_line_errors
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    database_url: DatabaseUrl = None,
) -> None:
    """Serve the editors' review web app (log in with an account from `factcheck users add`).

    Refuses to start on a review database whose schema is older than this version's (run
    `factcheck db upgrade`); an empty database is given the schema.

    The app's check worker loads the pipeline's models once, in the background, and runs the
    checks editors start from the "New check" page one after another.
    """
    import uvicorn

    from cli.signals import GENTLE_STOP_SECONDS, run_stoppably
    from review.app import create_app

    from review.store import get_engine

    if not 0 < port < 65536:
        raise InputError(f"port must be 1-65535, got {port}")
    get_engine(database_url, upgrade_existing=False)  # an older schema: one line telling to run `factcheck db upgrade`
    application = create_app(database_url=database_url)
    print(f"review app on http://{host}:{port}/ (Ctrl+C to stop)", file=sys.stderr)
    # Uvicorn runs in run_stoppably's work thread (so it installs no signal handlers of its own): a signal
    # asks it to finish its requests and stop the check worker; whatever is still running after
    # GENTLE_STOP_SECONDS (a check, the models loading) is cut off, and the command exits 130 / 143.
    # A check cut off stays queued and runs again at the next start.
    config = uvicorn.Config(
        application, host=host, port=port, log_level="info", proxy_headers=False, timeout_graceful_shutdown=GENTLE_STOP_SECONDS / 2
    )
    server = uvicorn.Server(config)
    run_stoppably(server.run, what=f"review app on http://{host}:{port}/", stop_gently=lambda: setattr(server, "should_exit", True))


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


PasswordStdin = Annotated[bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")]
Username = Annotated[str, typer.Argument(help="Login name of the account.")]


@users_app.command("add")
@one_line_errors
def users_add(
    username: Username,
    password_stdin: PasswordStdin = False,
    role: Annotated[str, typer.Option(help="editor, or admin (manages accounts in the app's Users page).")] = "editor",
    database_url: DatabaseUrl = None,
) -> None:
    """Add an account that can log in to the review app (password hashed with Argon2)."""
    from review.store import add_user

    user_id = add_user(username, _password(password_stdin), role=role, database_url=database_url)
    print(f"added {role} {username!r} (id {user_id})")


@users_app.command("list")
@one_line_errors
def users_list(database_url: DatabaseUrl = None) -> None:
    """List the accounts: name, role, state (active/disabled), open sessions, failed logins."""
    from sqlalchemy.orm import Session

    from review import accounts
    from review.store import LoginThrottle, get_engine

    with Session(get_engine(database_url)) as db:
        rows = []
        for user in accounts.list_users(db):
            throttle = db.get(LoginThrottle, accounts.account_key(user.username))
            failed = "locked" if throttle and throttle.locked else str(throttle.failures if throttle else 0)
            rows.append((user.username, user.role, user.state, str(accounts.session_count(db, user.id)), failed))
    header = ("user", "role", "state", "sessions", "failed_logins")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def _engine(database_url: str | None):
    from review.store import get_engine

    return get_engine(database_url)


def _account_action(action: str, username: str, database_url: str | None, value: str = "") -> None:
    """Do what the admin page's button of the same name does, and print what it says."""
    from review.accounts import apply_account_action

    print(apply_account_action(_engine(database_url), action, username, value))


@users_app.command("passwd")
@one_line_errors
def users_passwd(username: Username, password_stdin: PasswordStdin = False, database_url: DatabaseUrl = None) -> None:
    """Set a new password; every session of the account ends."""
    _account_action("password", username, database_url, _password(password_stdin))


@users_app.command("disable")
@one_line_errors
def users_disable(username: Username, database_url: DatabaseUrl = None) -> None:
    """Disable an account (it cannot log in); every session of it ends."""
    _account_action("disable", username, database_url)


@users_app.command("enable")
@one_line_errors
def users_enable(username: Username, database_url: DatabaseUrl = None) -> None:
    """Enable a disabled account again."""
    _account_action("enable", username, database_url)


@users_app.command("remove")
@one_line_errors
def users_remove(username: Username, database_url: DatabaseUrl = None) -> None:
    """Remove an account; its sessions end. One with decisions or comments stays only as their author's name."""
    _account_action("remove", username, database_url)


@users_app.command("unlock")
@one_line_errors
def users_unlock(username: Username, database_url: DatabaseUrl = None) -> None:
    """Lift the lockout (and failed-login count) of an account."""
    _account_action("unlock", username, database_url)


@users_app.command("role")
@one_line_errors
def users_role(
    username: Username,
    role: Annotated[str, typer.Argument(help="editor or admin.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Make an account an editor or an admin."""
    _account_action("role", username, database_url, role)


def _session(database_url: str | None):
    from sqlalchemy.orm import Session

    return Session(_engine(database_url))


@export_app.command("decisions")
@one_line_errors
def export_decisions(
    output: Annotated[Path, typer.Option("--output", "-o", help="JSON Lines file to write.")],
    database_url: DatabaseUrl = None,
) -> None:
    """Editors' accept/reject decisions on claim-level flags, as JSON Lines for retraining.

    One line per `unsupported`/`contradicted` flag whose latest decision is accept
    (label 1) or reject (label 0): {"text", "label", "claim_id", "decision", "editor", "decided_at"}.
    """
    from review.exports import decision_rows, jsonl_text, write_atomically

    with _session(database_url) as session:
        rows = decision_rows(session)
    write_atomically(output, jsonl_text(rows))
    print(f"wrote {len(rows)} decisions to {output}")


@export_app.command("claimreview")
@one_line_errors
def export_claimreview(
    output: Annotated[Path, typer.Option("--output", "-o", help="JSON file to write.")],
    page_url: Annotated[
        Optional[str], typer.Option("--page-url", help="The http(s) page that publishes these fact checks (each item's url is PAGE#claim-id). Default: review.organization.url.")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """A schema.org ClaimReview (JSON-LD) for each claim with a decided flag."""
    import json

    from review.exports import claimreview_items, write_atomically
    from review.metadata import checked_url
    from review.settings import organization

    page = checked_url(page_url, "--page-url")
    with _session(database_url) as session:
        items = claimreview_items(session, organization(), page)
    write_atomically(output, json.dumps(items, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {len(items)} ClaimReview items to {output}")
