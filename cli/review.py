"""`factcheck serve`, `factcheck users add`, `factcheck export decisions|claimreview`."""

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
    """Serve the editors' review web app (log in with an account from `factcheck users add`)."""
    import uvicorn

    from review.app import create_app

    if not 0 < port < 65536:
        raise InputError(f"port must be 1-65535, got {port}")
    application = create_app(database_url=database_url)
    print(f"review app on http://{host}:{port}/ (Ctrl+C to stop)", file=sys.stderr)
    uvicorn.run(application, host=host, port=port, log_level="info", proxy_headers=False)


@users_app.command("add")
@one_line_errors
def users_add(
    username: Annotated[str, typer.Argument(help="Login name of the editor.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """Add an editor who can log in to the review app (password hashed with Argon2)."""
    from review.store import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    user_id = add_user(username, password, database_url=database_url)
    print(f"added user {username!r} (id {user_id})")


def _session(database_url: str | None):
    from sqlalchemy.orm import Session

    from review.store import get_engine

    return Session(get_engine(database_url))


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
    database_url: DatabaseUrl = None,
) -> None:
    """A schema.org ClaimReview (JSON-LD) for each claim with a decided flag."""
    import json

    from review.exports import claimreview_items, write_atomically
    from review.settings import organization

    with _session(database_url) as session:
        items = claimreview_items(session, organization())
    write_atomically(output, json.dumps(items, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {len(items)} ClaimReview items to {output}")
