"""The settings file holds the bot's secrets: who else on the machine can read it."""

from __future__ import annotations

import stat
import sys

from bot.settings import EnvFile, SettingsError, choose_env_file


def env_file_or_none(option: str | None) -> EnvFile:
    """The settings file to warn about after a setting error, if it could be read at all."""
    try:
        return choose_env_file(option)
    except SettingsError:
        return EnvFile(None, "")


def warn_if_others_can_read(env_file: EnvFile) -> None:
    """The settings file holds the bot token: say so when other users of the machine can
    read it. A `./.env` should be its owner's alone; a file named with --env-file or
    HELPLINE_ENV_FILE may be readable by the service's group (/etc/helpline/helpline.env is
    root:helpline 0640), but never by everyone."""
    if env_file.path is None:
        return
    try:
        mode = stat.S_IMODE(env_file.path.stat().st_mode)
    except OSError:
        return
    loose = stat.S_IROTH | (stat.S_IRGRP if env_file.named_by == "./.env" else 0)
    if mode & loose:
        print(
            f"helpline: warning: {env_file.path} can be read by other users of this machine"
            f" (mode {mode:04o}) and holds the bot's secrets:"
            f" chmod {'600' if env_file.named_by == './.env' else 'o-rwx'} {env_file.path}",
            file=sys.stderr,
        )
