"""Settings from the environment and one settings file, checked once at start-up.

A wrong setting must stop the bot with one line that names it: an operator reading a traceback
at 3 a.m. may "fix" the wrong thing, and a silently ignored setting (a typo in a retention
period, say) is worse than none. The same goes for the file itself: a settings file that is
named and cannot be read stops every command, rather than leaving it to run on the defaults
(a new, empty SQLite database in whatever folder the shell was in).

Which file: `--env-file PATH`, else the file named by `HELPLINE_ENV_FILE`, else `./.env` if
there is one; only that one file is read. A variable set in the environment wins over the same
name in the file (the systemd units give each process its own listen address that way).
"""

from __future__ import annotations

import base64
import ipaddress
import os
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy import make_url

ENV_FILE_VARIABLE = "HELPLINE_ENV_FILE"
DOTENV = Path(".env")

TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,100}$")
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
# The logs have a formatter for each (bot.logs.FORMATS, a layer above; a test keeps them one).
LOG_FORMATS = ("text", "json")
RELAY_KEY_MIN_BYTES = 32
_URLSAFE = re.compile(r"[A-Za-z0-9_-]+")
# In a URL's user:password part, these end the password early or change its meaning.
_URL_BREAKING = re.compile(r"[@/?#]|%(?![0-9A-Fa-f]{2})")


def _loopback(host: str | None) -> bool:
    """Whether `host` is this machine: localhost, 127.0.0.0/8 or ::1."""
    if host is None:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def relay_key_bytes(secret: str) -> bytes:
    """The random bytes RELAY_KEY is written as (urlsafe base64, `=` padding optional); a
    ValueError saying what is wrong, never what was given."""
    text = secret.strip().rstrip("=")
    if not _URLSAFE.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("must be urlsafe base64 (A-Z, a-z, 0-9, - and _)")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if len(raw) < RELAY_KEY_MIN_BYTES:
        raise ValueError(
            f"must hold at least {RELAY_KEY_MIN_BYTES} random bytes: make one with"
            ' python -c "import secrets; print(secrets.token_urlsafe(32))"'
        )
    return raw


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


@dataclass(frozen=True)
class EnvFile:
    """The settings file a command reads, if any, and what named it."""

    path: Path | None
    named_by: str  # "--env-file", ENV_FILE_VARIABLE, "./.env", or "" with no file

    def describe(self) -> str:
        if self.path is None:
            return "no settings file: the environment only"
        return f"settings from {self.path}"


def choose_env_file(option: str | None, environ: Mapping[str, str] | None = None) -> EnvFile:
    """--env-file, else HELPLINE_ENV_FILE, else ./.env when there is one. A file that is
    named (or a ./.env that exists) and cannot be read is a SettingsError naming it."""
    environ = os.environ if environ is None else environ
    variable = environ.get(ENV_FILE_VARIABLE, "").strip()
    if option:
        chosen = EnvFile(Path(option), "--env-file")
    elif variable:
        chosen = EnvFile(Path(variable), ENV_FILE_VARIABLE)
    elif os.path.lexists(DOTENV):
        chosen = EnvFile(DOTENV, "./.env")
    else:
        return EnvFile(None, "")
    assert chosen.path is not None
    _check_readable(chosen.path, chosen.named_by)
    return chosen


def _check_readable(path: Path, named_by: str) -> None:
    try:
        path.read_text("utf-8")
    except UnicodeDecodeError:
        raise SettingsError(
            f"the settings file {path} (from {named_by}) is not UTF-8 text"
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise SettingsError(
            f"the settings file {path} (from {named_by}) cannot be read: {reason}"
        ) from None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    bot_token: SecretStr | None = None
    database_url: str = "sqlite+aiosqlite:///helpline.db"
    telegram_api_url: str = "https://api.telegram.org"
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    log_level: str = "INFO"
    log_format: str = "text"
    verify_max_age_days: int = Field(default=180, ge=1, le=3650)
    stats_min_count: int = Field(default=10, ge=1, le=1000)
    stats_retention_days: int = Field(default=730, ge=1, le=36500)
    delete_user_messages: bool = True
    bot_public_handle: str = ""
    verify_due_days: int = Field(default=14, ge=0, le=365)
    require_second_review: bool = True
    reports_for_recheck: int = Field(default=3, ge=1, le=1000)
    digest_hour: int = Field(default=8, ge=0, le=23)
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1:8080"
    database_password_file: str = ""
    pgpassfile: str = ""
    bot_api_wait_seconds: int = Field(default=300, ge=0, le=86400)
    # "Talk to a person" (bot/relay/): on only when both the group and the key are set.
    relay_chat_id: int | None = None
    relay_key: SecretStr | None = None
    # At most 47 hours: Telegram refuses to delete a message older than 48 hours, and her side
    # of the conversation is deleted when it ends.
    relay_idle_hours: int = Field(default=24, ge=1, le=47)
    relay_block_days: int = Field(default=7, ge=1, le=365)

    @field_validator("bot_token", mode="after")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or value.get_secret_value() == "":
            return None
        if not TOKEN_PATTERN.match(value.get_secret_value()):
            raise ValueError("does not look like a bot token (digits, a colon, then letters)")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        userinfo, at, _rest = value.partition("://")[2].rpartition("@")
        if at and value.startswith("postgresql") and _URL_BREAKING.search(userinfo):
            # Unescaped, `p@ss` makes `ss@127.0.0.1` the host and `p%41` the password `pA`:
            # the bot would connect elsewhere, or fail to log in, with no word of why.
            raise ValueError(
                "holds a user or password with a character a URL reads otherwise"
                " (@ / ? # or a % not followed by two hex digits): write @ as %40, / as %2F,"
                " ? as %3F, # as %23 and % as %25, or leave the password out of the URL and"
                " put it in a file named by DATABASE_PASSWORD_FILE"
            )
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not re.match(r"^https?://[^\s/]+(/\S*)?$", value):
            raise ValueError("must be an http:// or https:// URL")
        if value.endswith("/bot"):
            raise ValueError("give the server's base URL without the trailing /bot")
        if value.startswith("http://") and not _loopback(urllib.parse.urlsplit(value).hostname):
            # Every call carries the token in its path and her words in its body.
            raise ValueError(
                "must be an https:// URL: plain http:// only to this machine"
                " (127.0.0.1, ::1 or localhost), such as a local telegram-bot-api server"
            )
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> tuple[int, ...]:
        if isinstance(value, (tuple, list)):
            items = [str(v) for v in value]
        else:
            items = [part for part in str(value or "").split(",")]
        ids = []
        for item in (i.strip() for i in items):
            if not item:
                continue
            if not item.isdigit() or int(item) <= 0:
                raise ValueError("must be comma-separated positive Telegram user ids")
            ids.append(int(item))
        return tuple(ids)

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in LOG_LEVELS:
            raise ValueError(f"must be one of {', '.join(LOG_LEVELS)}")
        return value

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in LOG_FORMATS:
            raise ValueError(f"must be one of {', '.join(LOG_FORMATS)}")
        return value

    @field_validator("bot_public_handle")
    @classmethod
    def _handle(cls, value: str) -> str:
        value = value.strip()
        if value and not re.match(r"^@?[A-Za-z][A-Za-z0-9_]{3,31}$", value):
            raise ValueError("must be a Telegram @handle such as @example_bot")
        return value if not value or value.startswith("@") else "@" + value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        value = value.strip()
        if value and not value.startswith("https://"):
            raise ValueError("must be an https:// URL")
        return value

    @field_validator("webhook_secret", mode="after")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or value.get_secret_value() == "":
            return None
        if not WEBHOOK_SECRET_PATTERN.match(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("webhook_listen")
    @classmethod
    def _listen(cls, value: str) -> str:
        host, sep, port = value.rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("must be HOST:PORT, such as 127.0.0.1:8080")
        return value

    @field_validator("relay_chat_id", mode="before")
    @classmethod
    def _relay_chat_id(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        text = str(value).strip()
        if not re.fullmatch(r"-100[0-9]{1,16}", text):
            raise ValueError(
                "must be the volunteers' supergroup id, a negative number beginning with -100"
            )
        return int(text)

    @field_validator("relay_key", mode="after")
    @classmethod
    def _relay_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        relay_key_bytes(value.get_secret_value())
        return value

    @model_validator(mode="after")
    def _relay_both_or_neither(self) -> Self:
        if self.relay_chat_id is not None and self.relay_key is None:
            raise ValueError("RELAY_KEY is not set: RELAY_CHAT_ID needs it (docs/DEPLOY.md)")
        if self.relay_key is not None and self.relay_chat_id is None:
            raise ValueError("RELAY_CHAT_ID is not set: RELAY_KEY needs it (docs/DEPLOY.md)")
        return self

    @property
    def relay_on(self) -> bool:
        """Whether "Talk to a person" is offered: both its settings are set."""
        return self.relay_chat_id is not None and self.relay_key is not None

    @field_validator("pgpassfile")
    @classmethod
    def _pgpassfile(cls, value: str) -> str:
        value = value.strip()
        if value and not os.access(value, os.R_OK):
            raise ValueError(f"names {value}, which cannot be read")
        return value

    @model_validator(mode="after")
    def _password_from_file(self) -> Self:
        """The database password, from a file of its own: no URL escaping to get wrong."""
        name = self.database_password_file.strip()
        if not name:
            return self
        try:
            password = Path(name).read_text("utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise ValueError(f"DATABASE_PASSWORD_FILE {name} cannot be read: {reason}") from None
        if not password:
            raise ValueError(f"DATABASE_PASSWORD_FILE {name} is empty")
        url = make_url(self.database_url)
        if url.password is not None:
            raise ValueError(
                "DATABASE_PASSWORD_FILE is set and DATABASE_URL has a password too:"
                " leave the password out of DATABASE_URL"
            )
        self.database_url = url.set(password=password).render_as_string(hide_password=False)
        return self

    def secrets(self) -> list[str]:
        """Every secret value among the settings, to be blanked from logs and tracebacks: the
        bot token, the webhook secret, the relay key and the database password (as given and
        decoded)."""
        given = (self.bot_token, self.webhook_secret, self.relay_key)
        found = [s.get_secret_value() for s in given if s]
        try:
            password = urllib.parse.urlsplit(self.database_url).password
        except ValueError:  # not a URL Python can split: SQLAlchemy will say so
            password = None
        if password:
            found += [password, urllib.parse.unquote(password)]
        return found

    def token(self) -> str:
        """The bot token, or a SettingsError naming BOT_TOKEN: only `run` needs one."""
        if self.bot_token is None:
            raise SettingsError("BOT_TOKEN is not set: create a bot with @BotFather and set it")
        return self.bot_token.get_secret_value()


def load_settings(env_file: EnvFile | None = None, **overrides: object) -> Settings:
    """Read the settings (from `env_file`, else as `choose_env_file` picks with no option),
    turning pydantic's report into one line per bad setting."""
    chosen = env_file if env_file is not None else choose_env_file(None)
    try:
        return Settings(_env_file=chosen.path, **overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{str(error['loc'][0]).upper()} {message}" if error["loc"] else message)
        raise SettingsError("; ".join(lines)) from None
