"""Which settings a command reads, and which database it then uses, said before anything else.

An admin following the deployment guide runs commands as the service's user, from whatever
folder the shell is in. Each run here is a real process, started with nothing but the variables
a test gives it: no developer's `.env` and no environment leak in.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url

from bot.settings import SettingsError, load_settings
from tests.fake_telegram import TOKEN

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "p@ss%word/with:all?#-5517"


def helpline(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT), **(env or {})},
        timeout=120,
    )


def write_settings(path: Path, text: str) -> Path:
    """A settings file as the guide installs it: its owner writes, its group reads."""
    path.write_text(text, "utf-8")
    path.chmod(0o640)
    return path


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def first_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.splitlines()
    assert lines, (result.stdout, result.stderr)
    return lines[0]


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """A settings folder (as /etc/helpline) and another folder to run commands from."""
    etc, work = tmp_path / "etc", tmp_path / "work"
    etc.mkdir()
    work.mkdir()
    return etc, work


def test_the_env_file_option_is_read(folders: tuple[Path, Path]) -> None:
    etc, work = folders
    production = etc / "production.db"
    settings = etc / "helpline.env"
    write_settings(settings, f"DATABASE_URL={sqlite_url(production)}\n")
    result = helpline("--env-file", str(settings), "db", "upgrade", cwd=work)
    assert result.returncode == 0, result.stderr
    assert production.is_file() and list(work.iterdir()) == []
    said = first_line(result)
    assert str(production) in said and str(settings) in said, said


def test_the_option_may_follow_the_command(folders: tuple[Path, Path]) -> None:
    etc, work = folders
    settings = etc / "helpline.env"
    write_settings(settings, f"DATABASE_URL={sqlite_url(etc / 'after.db')}\n")
    result = helpline("db", "upgrade", "--env-file", str(settings), cwd=work)
    assert result.returncode == 0, result.stderr
    assert (etc / "after.db").is_file()


def test_which_file_wins(folders: tuple[Path, Path]) -> None:
    """--env-file, else HELPLINE_ENV_FILE, else ./.env; only one file is ever read, and a
    variable set in the environment wins over the file (as the units rely on)."""
    etc, work = folders
    for name in ("option", "variable", "dotenv"):
        write_settings(etc / f"{name}.env", f"DATABASE_URL={sqlite_url(etc / name)}.db\n")
    # A ./.env that would stop any command that read it.
    (work / ".env").write_text("VERIFY_MAX_AGE_DAYS=-5\n", "utf-8")
    variable = {"HELPLINE_ENV_FILE": str(etc / "variable.env")}

    both = helpline("--env-file", str(etc / "option.env"), "db", "upgrade", cwd=work, env=variable)
    assert both.returncode == 0, both.stderr
    assert "option.db" in first_line(both)
    only_variable = helpline("db", "upgrade", cwd=work, env=variable)
    assert only_variable.returncode == 0, only_variable.stderr
    assert "variable.db" in first_line(only_variable)
    neither = helpline("db", "upgrade", cwd=work)
    assert neither.returncode == 2 and "VERIFY_MAX_AGE_DAYS" in neither.stderr

    environment = {**variable, "DATABASE_URL": sqlite_url(etc / "environment.db")}
    overridden = helpline("db", "upgrade", cwd=work, env=environment)
    assert overridden.returncode == 0, overridden.stderr
    assert "environment.db" in first_line(overridden)
    assert {p.name for p in etc.glob("*.db")} == {"option.db", "variable.db", "environment.db"}


@pytest.mark.parametrize("how", ["option", "variable"])
@pytest.mark.parametrize("problem", ["missing", "a folder", "not UTF-8"])
def test_a_settings_file_that_cannot_be_read_is_one_line(
    folders: tuple[Path, Path], how: str, problem: str
) -> None:
    etc, work = folders
    settings = etc / "helpline.env"
    if problem == "a folder":
        settings.mkdir()
    elif problem == "not UTF-8":
        settings.write_bytes(b"DATABASE_URL=sqlite+aiosqlite:///\xff\xfe.db\n")
    args = ["--env-file", str(settings)] if how == "option" else []
    env = {"HELPLINE_ENV_FILE": str(settings)} if how == "variable" else {}
    result = helpline(*args, "staff", "list", cwd=work, env=env)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(settings) in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert list(work.iterdir()) == [] and list(etc.glob("*.db")) == []  # nothing made


def test_a_dotenv_that_cannot_be_read_is_one_line(folders: tuple[Path, Path]) -> None:
    """The service's user in a folder holding someone else's `.env`: named, not a
    traceback, and no database made in its place."""
    _etc, work = folders
    (work / ".env").mkdir()  # unreadable as a file, whoever runs the test
    result = helpline("db", "upgrade", cwd=work)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and ".env" in lines[0] and "Traceback" not in result.stderr
    assert [p.name for p in work.iterdir()] == [".env"]


def test_a_settings_file_everyone_can_read_is_warned_about(folders: tuple[Path, Path]) -> None:
    """The service's group may read /etc/helpline/helpline.env; everyone may not."""
    etc, work = folders
    settings = write_settings(etc / "helpline.env", f"DATABASE_URL={sqlite_url(etc / 'w.db')}\n")
    quiet = helpline("--env-file", str(settings), "db", "upgrade", cwd=work)
    assert quiet.returncode == 0 and "warning" not in quiet.stderr, quiet.stderr
    settings.chmod(0o644)
    loud = helpline("--env-file", str(settings), "db", "upgrade", cwd=work)
    warnings = [line for line in loud.stderr.splitlines() if "warning" in line]
    assert loud.returncode == 0 and len(warnings) == 1, loud.stderr
    assert str(settings) in warnings[0] and "chmod o-rwx" in warnings[0]


def test_a_new_sqlite_database_is_never_made_silently(folders: tuple[Path, Path]) -> None:
    """No settings at all: the default SQLite file in the current folder, said plainly with
    its full path, before it is made."""
    _etc, work = folders
    result = helpline("db", "upgrade", cwd=work)
    assert result.returncode == 0, result.stderr
    said = first_line(result)
    assert str(work / "helpline.db") in said and "new" in said and "DATABASE_URL" in said, said


@pytest.mark.parametrize(
    "args",
    [
        ["db", "upgrade"],
        ["staff", "list"],
        ["directory", "export", "-"],
        ["directory", "history", "some-entry"],
        ["stats"],
    ],
    ids=lambda args: " ".join(args),
)
def test_every_admin_command_names_its_database_first_without_the_password(
    folders: tuple[Path, Path], args: list[str]
) -> None:
    """A database that cannot be reached: the first line names it (password hidden), the
    second says it cannot be reached; no traceback."""
    etc, work = folders
    url = "postgresql+asyncpg://helpline:pw-canary-5517@127.0.0.1:9/helpline"
    write_settings(etc / "helpline.env", f"DATABASE_URL={url}\n")
    result = helpline("--env-file", str(etc / "helpline.env"), *args, cwd=work)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert "postgresql+asyncpg://helpline:***@127.0.0.1:9/helpline" in lines[0]
    assert "could not be reached" in lines[1]
    assert "pw-canary-5517" not in result.stderr + result.stdout
    assert result.stdout == ""


# Database passwords ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["p@ss", "p/ss", "p?ss", "p#ss", "p%ss", "p%zz", "100%"], ids=repr
)
def test_a_password_that_breaks_the_url_is_refused(password: str) -> None:
    """Written into DATABASE_URL as is, these change where the bot connects (or what it sends
    as the password) without a word: refused, naming the setting and the way out."""
    with pytest.raises(SettingsError) as refused:
        load_settings(database_url=f"postgresql+asyncpg://helpline:{password}@127.0.0.1/helpline")
    message = str(refused.value)
    assert message.startswith("DATABASE_URL ") and "%40" in message
    assert "DATABASE_PASSWORD_FILE" in message and password not in message


@pytest.mark.parametrize("password", ["p%40ss", "100%25", "plain-password", "p%2Fss%3F%23"])
def test_an_escaped_password_is_taken_as_written(password: str) -> None:
    url = f"postgresql+asyncpg://helpline:{password}@127.0.0.1/helpline"
    assert load_settings(database_url=url).database_url == url


def test_the_password_may_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "db-password"
    secret.write_text(PASSWORD + "\n", "utf-8")
    settings = load_settings(
        database_url="postgresql+asyncpg://helpline@127.0.0.1:5432/helpline",
        database_password_file=str(secret),
    )
    url = make_url(settings.database_url)
    assert url.password == PASSWORD and url.host == "127.0.0.1" and url.database == "helpline"
    assert PASSWORD in settings.secrets()


def test_a_password_file_beside_a_password_in_the_url_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "db-password"
    secret.write_text("other\n", "utf-8")
    with pytest.raises(SettingsError) as refused:
        load_settings(
            database_url="postgresql+asyncpg://helpline:pw@127.0.0.1/helpline",
            database_password_file=str(secret),
        )
    assert "DATABASE_PASSWORD_FILE" in str(refused.value) and "pw" not in str(refused.value)


def test_a_missing_password_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as refused:
        load_settings(
            database_url="postgresql+asyncpg://helpline@127.0.0.1/helpline",
            database_password_file=str(tmp_path / "nowhere"),
        )
    message = str(refused.value)
    assert message.startswith("DATABASE_PASSWORD_FILE ") and "nowhere" in message


def test_the_password_file_from_the_settings_file_is_never_printed(
    folders: tuple[Path, Path],
) -> None:
    etc, work = folders
    (etc / "db-password").write_text(PASSWORD + "\n", "utf-8")
    write_settings(
        etc / "helpline.env",
        "DATABASE_URL=postgresql+asyncpg://helpline@127.0.0.1:9/helpline\n"
        f"DATABASE_PASSWORD_FILE={etc / 'db-password'}\n"
        f"BOT_TOKEN={TOKEN}\n",
    )
    result = helpline("--env-file", str(etc / "helpline.env"), "staff", "list", cwd=work)
    assert result.returncode == 1, result.stderr
    assert "helpline:***@127.0.0.1:9/helpline" in first_line(result)
    for secret in (PASSWORD, "p@ss", TOKEN.split(":")[1]):
        assert secret not in result.stderr + result.stdout


def test_a_directory_file_may_come_on_standard_input(folders: tuple[Path, Path]) -> None:
    """The service's user cannot open a file in the admin's home: `import - < FILE`."""
    from tests.directory_data import as_yaml, standard_entries

    etc, work = folders
    settings = write_settings(etc / "helpline.env", f"DATABASE_URL={sqlite_url(etc / 'in.db')}\n")
    text = as_yaml(standard_entries())
    for args in (["validate", "-"], ["import", "-"]):
        result = subprocess.run(
            [sys.executable, "-m", "bot", "--env-file", str(settings), "directory", *args],
            cwd=work,
            input=text,
            capture_output=True,
            text=True,
            env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT)},
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
    assert f"{len(standard_entries())} were added" in result.stdout


def test_a_database_that_refuses_the_login_is_one_line(
    folders: tuple[Path, Path], postgres: str
) -> None:
    """A database that does not exist on a server that answers: named, not a traceback."""
    etc, work = folders
    missing = make_url(postgres).set(database="no_such_database_5517")
    url = missing.render_as_string(hide_password=False)
    settings = write_settings(etc / "helpline.env", f"DATABASE_URL={url}\n")
    result = helpline("--env-file", str(settings), "staff", "list", cwd=work)
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and "no_such_database_5517" in lines[1], result.stderr
    assert "does not exist" in lines[1] and "Traceback" not in result.stderr


def test_a_socket_url_is_shown_as_written() -> None:
    from bot.db import database

    url = "postgresql+asyncpg://helpline@/helpline?host=/run/postgresql"
    assert database.describe(url) == url


def test_a_libpq_password_file_from_the_settings_reaches_the_driver(
    folders: tuple[Path, Path],
) -> None:
    """asyncpg reads PGPASSFILE from the environment; in the settings file it is exported
    for it. One that cannot be read is named, as DATABASE_PASSWORD_FILE is."""
    etc, work = folders
    passfile = etc / "pgpass"
    passfile.write_text("127.0.0.1:5432:helpline:helpline:p@ss:word\n", "utf-8")
    passfile.chmod(0o600)
    directory = work / "directory.yaml"
    directory.write_text("version: 1\nentries: []\n", "utf-8")
    settings = write_settings(etc / "helpline.env", f"PGPASSFILE={passfile}\n")
    probe = (
        "import os, sys\n"
        "from bot import cli\n"
        "code = cli.main(sys.argv[1:])\n"
        "print(code, os.environ.get('PGPASSFILE'))\n"
    )
    seen = subprocess.run(
        [
            sys.executable,
            "-c",
            probe,
            "--env-file",
            str(settings),
            "directory",
            "validate",
            str(directory),
        ],
        cwd=work,
        capture_output=True,
        text=True,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT)},
        timeout=120,
    )
    assert seen.stdout.strip().splitlines()[-1].split() == ["0", str(passfile)], seen.stderr

    write_settings(settings, f"PGPASSFILE={etc / 'nowhere'}\n")
    result = helpline("--env-file", str(settings), "staff", "list", cwd=work)
    assert result.returncode == 2 and "PGPASSFILE" in result.stderr and "nowhere" in result.stderr
