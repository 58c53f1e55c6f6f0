"""Typer apps shared by the command modules, so each module registers its own commands."""

from __future__ import annotations

import functools
import os
import sys
from typing import Callable, TypeVar

import typer

from pipeline.errors import InputError

app = typer.Typer(help="Offline fact-checking for newsrooms.", no_args_is_help=True, add_completion=False)
train_app = typer.Typer(help="Train the project's models.", no_args_is_help=True)
eval_app = typer.Typer(help="Evaluate models and the whole pipeline.", no_args_is_help=True)
models_app = typer.Typer(help="List, promote and roll back claim-classifier versions.", no_args_is_help=True)
users_app = typer.Typer(help="Manage editors who can log in to the review app.", no_args_is_help=True)
export_app = typer.Typer(help="Export editors' decisions.", no_args_is_help=True)
db_app = typer.Typer(help="The review database's schema: upgrade, status, copy to a shared server.", no_args_is_help=True)
cache_app = typer.Typer(help="The persisted evidence indexes (evidence.index_dir): list, clear.", no_args_is_help=True)



@app.callback()
def main_options(
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show the libraries' warnings, progress bars and logs (Prefect INFO), hidden by default."),
) -> None:
    """Offline fact-checking for newsrooms."""
    if verbose:
        from cli.quiet import loud_libraries

        loud_libraries()


app.add_typer(train_app, name="train")
app.add_typer(eval_app, name="eval")
app.add_typer(models_app, name="models")
app.add_typer(users_app, name="users")
app.add_typer(export_app, name="export")
app.add_typer(db_app, name="db")
app.add_typer(cache_app, name="cache")

F = TypeVar("F", bound=Callable)


def one_line_errors(func: F) -> F:
    """Errors as one line on stderr, never a traceback: exit 2 for bad input, 1 for anything else.

    Set ``FACTCHECK_DEBUG=1`` to see the traceback of an unexpected error.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (InputError, FileNotFoundError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(code=2) from None
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if os.environ.get("FACTCHECK_DEBUG"):
                raise
            first_line = (str(exc).strip().splitlines() or [""])[0]
            print(f"error: {type(exc).__name__}: {first_line} (FACTCHECK_DEBUG=1 shows the traceback)", file=sys.stderr)
            raise typer.Exit(code=1) from None

    return wrapper  # type: ignore[return-value]
