"""The `helpline` command keeps its secrets and its files to itself, whatever goes wrong.

Every run here is a real process, as an operator (or systemd) starts it.
"""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot import logs
from bot.settings import SettingsError, load_settings
from tests.directory_data import as_yaml, standard_entries
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.processes import SECRET, free_port

PROJECT = Path(__file__).resolve().parent.parent
# The part of the token that is the actual secret, after the bot's id.
TOKEN_SECRET = TOKEN.split(":", 1)[1]
DB_PASSWORD = "pg-password-canary-5517"


def environment(cwd: Path, env: dict[str, str]) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(cwd),
        "PYTHONPATH": str(PROJECT),
        "DATABASE_URL": f"sqlite+aiosqlite:///{cwd / 'helpline.db'}",
        **env,
    }


def helpline(
    *args: str, cwd: Path, env: dict[str, str] | None = None, umask: int = 0o022
) -> subprocess.CompletedProcess[str]:
    """One `helpline` command, started the way a shell with the common umask 022 starts it."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment(cwd, env or {}),
        timeout=120,
        umask=umask,
    )


def every_file(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def assert_no_secret(*texts: str | bytes, secrets: tuple[str, ...] = (TOKEN_SECRET,)) -> None:
    for text in texts:
        data = text.encode() if isinstance(text, str) else text
        for secret in secrets:
            assert secret.encode() not in data, data.decode(errors="replace")[-3000:]


# A. The token is never printed ----------------------------------------------------------------


@pytest.mark.parametrize("webhook", [False, True], ids=["polling", "webhook"])
async def test_a_rejected_token_is_never_printed(tmp_path: Path, webhook: bool) -> None:
    """A Bot API that answers 401 to getMe (a wrong TELEGRAM_API_URL, a proxy): one calm line,
    a non-zero exit, and the token nowhere: not on stdout or stderr, not in any file."""
    fake = FakeTelegram(token="1111111111:AnotherBotsTokenNotThisOne_abcdefgh")
    await fake.start()
    env = {"BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": fake.url, "LOG_LEVEL": "DEBUG"}
    if webhook:
        env |= {
            "WEBHOOK_URL": "https://helpline.example.org/telegram/hook",
            "WEBHOOK_SECRET": SECRET,
            "WEBHOOK_LISTEN": f"127.0.0.1:{free_port()}",
        }
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            cwd=tmp_path,
            env=environment(tmp_path, env),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        await fake.close()
    assert process.returncode not in (0, None)
    assert_no_secret(out, err, *(path.read_bytes() for path in every_file(tmp_path)))
    text = err.decode()
    assert "Traceback" not in text, text
    last = text.strip().splitlines()[-1]
    assert last.startswith("helpline: ") and "BOT_TOKEN" in last, text


def test_any_escaping_exception_is_printed_without_the_secrets(tmp_path: Path) -> None:
    """Whatever else escapes a command (here: an error carrying every secret, raised where the
    command would run) is printed with the secrets blanked and the traceback kept."""
    escape = (
        "import os, bot.cli as cli\n"
        "def fail(args, settings):\n"
        "    raise RuntimeError('url /bot%s/getMe secret %s db %s'\n"
        "        % (os.environ['BOT_TOKEN'], os.environ['WEBHOOK_SECRET'],\n"
        "           os.environ['DATABASE_URL']))\n"
        "cli._dispatch = fail\n"
        "raise SystemExit(cli.main(['db', 'upgrade']))\n"
    )
    env = {
        "BOT_TOKEN": TOKEN,
        "WEBHOOK_SECRET": SECRET,
        "DATABASE_URL": f"postgresql+asyncpg://helpline:{DB_PASSWORD}@127.0.0.1:9/helpline",
    }
    result = subprocess.run(
        [sys.executable, "-c", escape],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=environment(tmp_path, env),
        timeout=120,
    )
    assert result.returncode == 1
    assert_no_secret(result.stdout, result.stderr, secrets=(TOKEN_SECRET, SECRET, DB_PASSWORD))
    assert "Traceback" in result.stderr and "RuntimeError: url /bot" in result.stderr
    assert logs.REDACTED in result.stderr


def test_the_database_password_is_a_secret_as_written_and_decoded() -> None:
    url = "postgresql+asyncpg://helpline:pa%40ss-5517@127.0.0.1:5432/helpline"
    secrets = load_settings(database_url=url, webhook_secret=SECRET).secrets()
    assert {"pa%40ss-5517", "pa@ss-5517", SECRET} <= set(secrets)
    assert load_settings(database_url="postgresql+asyncpg://u:p@[broken/db").secrets() == []


class _Unraisable:
    """Raises from `__del__`, where Python cannot raise: the error goes to the unraisable
    hook, with the object."""

    def __init__(self, message: str) -> None:
        self.message = message

    def __del__(self) -> None:
        raise ValueError(self.message)


def test_the_hooks_redact_every_configured_secret(capsys: pytest.CaptureFixture[str]) -> None:
    """Uncaught in the main thread, in another thread, and unraisable: each printed without the
    token, the webhook secret or the database password (none of them shaped like a token but
    the first), while still naming the error."""
    carried = f"/bot{TOKEN}/getMe {SECRET} {DB_PASSWORD}"
    saved = sys.excepthook, threading.excepthook, sys.unraisablehook
    try:
        logs.install_hooks([TOKEN, SECRET, DB_PASSWORD])
        try:
            try:
                raise KeyError(carried)
            except KeyError as inner:
                raise RuntimeError(carried) from inner
        except RuntimeError:
            sys.excepthook(*sys.exc_info())

        def fail() -> None:
            raise LookupError(carried)

        thread = threading.Thread(target=fail, name="worker")
        thread.start()
        thread.join()
        _Unraisable(carried)  # dropped at once: __del__ raises
    finally:
        sys.excepthook, threading.excepthook, sys.unraisablehook = saved
    printed = capsys.readouterr()
    everything = printed.out + printed.err
    for secret in (TOKEN_SECRET, SECRET, DB_PASSWORD):
        assert secret not in everything, everything
    for name in ("RuntimeError", "KeyError", "LookupError", "ValueError", "worker"):
        assert name in printed.err, printed.err
    assert "Traceback" in printed.err


# B1. Files are the service's alone ---------------------------------------------------------------


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_and_exports_are_readable_by_the_service_alone(tmp_path: Path) -> None:
    """Under the usual umask 022 the database (staff ids) and an export (staff notes with
    --include-internal) would be readable by every user of the machine."""
    directory = tmp_path / "directory.yaml"
    directory.write_text(as_yaml(standard_entries()), "utf-8")
    imported = helpline("directory", "import", str(directory), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    exported = helpline("directory", "export", "notes.yaml", "--include-internal", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    written = [p for p in every_file(tmp_path) if p != directory]
    assert {p.name for p in written} >= {"helpline.db", "notes.yaml"}
    assert {p.name: oct(mode(p)) for p in written} == {p.name: "0o600" for p in written}


def test_a_dotenv_others_can_read_is_warned_about(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"BOT_TOKEN={TOKEN}\nWEBHOOK_SECRET={SECRET}\n", "utf-8")
    dotenv.chmod(0o644)
    loose = helpline("db", "upgrade", cwd=tmp_path)
    assert loose.returncode == 0, loose.stderr
    warnings = [line for line in loose.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "chmod 600 .env" in warnings[0], loose.stderr
    assert_no_secret(loose.stdout, loose.stderr, secrets=(TOKEN_SECRET, SECRET))
    dotenv.chmod(0o600)
    tight = helpline("db", "upgrade", cwd=tmp_path)
    assert tight.returncode == 0 and "warning" not in tight.stderr, tight.stderr


# B4. The token and her words never travel in clear text ---------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://api.telegram.org",
        "https://bot-api.example.org:8443/base/",
        "http://127.0.0.1:8081",
        "http://127.45.6.7",
        "http://localhost:8081",
        "http://LocalHost:8081",
        "http://[::1]:8081",
    ],
)
def test_the_api_url_is_https_or_this_machine(url: str) -> None:
    assert load_settings(telegram_api_url=url).telegram_api_url == url.rstrip("/")


@pytest.mark.parametrize(
    "url",
    [
        "http://api.telegram.org",
        "http://10.0.0.5:8081",
        "http://192.168.1.20",
        "http://0.0.0.0:8081",
        "http://[::]:8081",
        "http://localhost.example.org",
        "http://127.0.0.1.example.org",
        "http://127.0.0.1@bot-api.example.org",
        "http://bot-api.example.org/127.0.0.1",
    ],
)
def test_plain_http_elsewhere_is_refused_naming_the_setting(url: str) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(telegram_api_url=url)
    message = str(refused.value)
    assert message.startswith("TELEGRAM_API_URL ") and "https://" in message
    assert "\n" not in message


# B6. PostgreSQL without its driver ---------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["db", "upgrade"], ["run"], ["directory", "export", "-"], ["staff", "list"]],
    ids=lambda args: " ".join(args),
)
def test_postgres_without_its_driver_says_which_extra_to_install(
    tmp_path: Path, args: list[str]
) -> None:
    """asyncpg is an optional extra: without it, a PostgreSQL DATABASE_URL is one line that
    says how to install it, not a ModuleNotFoundError traceback."""
    without_asyncpg = (
        "import sys\n"
        "sys.modules['asyncpg'] = None  # as if it were not installed\n"
        "from bot.cli import main\n"
        f"raise SystemExit(main({args!r}))\n"
    )
    env = {
        "BOT_TOKEN": TOKEN,
        "DATABASE_URL": "postgresql+asyncpg://helpline@127.0.0.1:9/helpline",
        "TELEGRAM_API_URL": "http://127.0.0.1:9",
    }
    result = subprocess.run(
        [sys.executable, "-c", without_asyncpg],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=environment(tmp_path, env),
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "postgres" in lines[0] and "pip install '.[postgres]'" in lines[0], lines[0]
