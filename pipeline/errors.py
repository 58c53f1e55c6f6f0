"""Errors a user can act on; the CLI prints them as one line and exits non-zero."""


class InputError(ValueError):
    """Bad input from the user: a missing, empty or undecodable file, a malformed line."""
