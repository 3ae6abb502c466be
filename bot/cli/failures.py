"""What a command can fail with, each printed as one line; main() gives each its exit code."""

from __future__ import annotations


class CommandError(Exception):
    """Something the operator can fix; printed as one line (exit 2)."""


class StartupFailed(Exception):
    """`run` could not start for a reason that may pass (the Bot API out of reach): exit 1,
    so that systemd tries again later, where a setting error (exit 2) would not be."""


class DatabaseUnavailable(Exception):
    """The database could not be reached or opened; the message says which, without its
    password (exit 1)."""
