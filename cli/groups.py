"""Typer apps shared by the command modules, so each module registers its own commands."""

from __future__ import annotations

import functools
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

app.add_typer(train_app, name="train")
app.add_typer(eval_app, name="eval")
app.add_typer(models_app, name="models")
app.add_typer(users_app, name="users")
app.add_typer(export_app, name="export")

F = TypeVar("F", bound=Callable)


def one_line_errors(func: F) -> F:
    """Print an InputError (or a missing file) as one line on stderr and exit 2, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (InputError, FileNotFoundError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(code=2) from None

    return wrapper  # type: ignore[return-value]
