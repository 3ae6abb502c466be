"""Settings from the environment and `.env`, checked once at start-up.

A wrong setting must stop the bot with one line that names it: an operator reading a traceback
at 3 a.m. may "fix" the wrong thing, and a silently ignored setting (a typo in a retention
period, say) is worse than none.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{20,100}$")
WEBHOOK_SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


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


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line naming it."""


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
        if value not in ("text", "json"):
            raise ValueError("must be text or json")
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

    def secrets(self) -> list[str]:
        """Every secret value among the settings, to be blanked from logs and tracebacks: the
        bot token, the webhook secret and the database password (as given and decoded)."""
        found = [s.get_secret_value() for s in (self.bot_token, self.webhook_secret) if s]
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


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line per bad setting."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = str(error["loc"][0]).upper() if error["loc"] else "settings"
            message = str(error["msg"]).removeprefix("Value error, ")
            lines.append(f"{name} {message}")
        raise SettingsError("; ".join(lines)) from None
