"""The backup and restore scripts of deploy/bin, run for real against PostgreSQL.

They run here as the user running the tests, connecting over TCP to the test server (in
production: as root, dumping as the postgres user over the local socket).
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import make_url

from bot.db import database
from bot.desk import staff
from tests import databases
from tests.directory_data import TODAY, as_yaml, entry, standard_entries
from tests.harness import load_directory

PROJECT = Path(__file__).resolve().parent.parent
BACKUP = PROJECT / "deploy" / "bin" / "helpline-backup"
RESTORE = PROJECT / "deploy" / "bin" / "helpline-restore"
DAY = 86400


@pytest.fixture(scope="session")
def age() -> str:
    found = shutil.which("age")
    if found is None or shutil.which("age-keygen") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must test the backup's encryption, and age is not installed")
        pytest.skip("needs age (apt install age) for the backups' encryption")
    return found


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def script_env(tmp_path: Path, db_url: str, **extra: str) -> dict[str, str]:
    """The scripts' settings as /etc/helpline/backup.conf would give them, for the test server."""
    url = make_url(db_url)
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "HELPLINE_BACKUP_CONFIG": str(tmp_path / "no-backup.conf"),
        "BACKUP_DIR": str(tmp_path / "backups"),
        "DATABASE": url.database or "",
        "DB_OWNER": url.username or "",
        "RUN_AS": "",
        "PGHOST": url.host or "",
        "PGPORT": str(url.port or 5432),
        "PGUSER": url.username or "",
        "HELPLINE_COMMAND": f"{sys.executable} -m bot",
        "PYTHONPATH": str(PROJECT),
        "DATABASE_URL": db_url,
        "AGE_RECIPIENTS": str(tmp_path / "recipients.txt"),
        **extra,
    }


def call(script: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(script), *args], capture_output=True, text=True, env=env, timeout=300
    )


async def filled_database(server: str) -> str:
    """A database with a directory (changed once, so the audit trail has before and after),
    staff, and the staff-only notes."""
    url = databases.database_on(server, "backup")
    await load_directory(url, as_yaml(standard_entries()))
    changed = [*standard_entries()[1:], entry("added-after-backup-test")]
    await load_directory(url, as_yaml(changed))
    engine = database.make_engine(url)
    try:
        sessions = database.make_sessionmaker(engine)
        await staff.add(sessions, 7100001, "admin", TODAY)
        await staff.add(sessions, 7100002, "volunteer", TODAY)
    finally:
        await engine.dispose()
    return url


def aged(path: Path, days: float, text: str = "old") -> Path:
    path.write_text(text)
    then = time.time() - days * DAY
    os.utime(path, (then, then))
    return path


def test_backup_then_restore_into_a_fresh_database(tmp_path: Path, postgres: str, age: str) -> None:
    db_url = databases.run(filled_database(postgres))
    subprocess.run(["age-keygen", "-o", str(tmp_path / "key.txt")], check=True, capture_output=True)
    public = re.search(r"age1\w+", (tmp_path / "key.txt").read_text())
    assert public is not None
    (tmp_path / "recipients.txt").write_text(public.group(0) + "\n")

    folder = tmp_path / "backups"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)  # as a careless earlier set-up left it
    old = [
        aged(folder / "helpline-2020-01-01T031500Z-database.dump", 40),
        aged(folder / "helpline-2020-01-01T031500Z-directory.yaml", 40),
        aged(folder / "helpline-2020-01-01T031500Z-notes.yaml", 40),
        aged(folder / "helpline-2020-01-01T031500Z-notes.yaml.age", 40),
        aged(folder / "helpline-before-upgrade.dump", 31),
    ]
    recent = aged(folder / "helpline-2020-02-01T031500Z-database.dump", 20)
    unrelated = aged(folder / "README", 400)
    offsite = tmp_path / "offsite"
    offsite.mkdir()
    copier = tmp_path / "copy-off"
    copier.write_text(f'#!/bin/sh\nexec cp "$@" {offsite}/\n')
    copier.chmod(0o700)

    env = script_env(tmp_path, db_url, OFFSITE_COMMAND=str(copier))
    made = call(BACKUP, env=env)
    assert made.returncode == 0, made.stdout + made.stderr
    # Nothing but the exports' first lines, naming the database they read.
    said = made.stderr.splitlines()
    assert len(said) == 2 and all(line.startswith("helpline: database postgresql") for line in said)

    assert mode(folder) == 0o700
    new = sorted(p.name for p in folder.iterdir() if p not in (recent, unrelated))
    kinds = ("database.dump", "directory.yaml", "notes.yaml")
    suffixes = sorted([*kinds, *(k + ".age" for k in kinds)])
    assert [re.sub(r"^helpline-\d{4}-\d\d-\d\dT\d{6}Z-", "", n) for n in new] == suffixes, new
    assert all(mode(folder / name) == 0o600 for name in new)
    assert not any(p.exists() for p in old) and recent.exists() and unrelated.exists()
    assert "removed 5 files" in made.stdout
    assert sorted(p.name for p in offsite.iterdir()) == [n for n in new if n.endswith(".age")]

    notes = next(folder.glob("helpline-*-notes.yaml")).read_text()
    public_file = next(folder.glob("helpline-*-directory.yaml")).read_text()
    assert "staff-only-note-7731" in notes and "staff-only-note-7731" not in public_file
    for sealed in folder.glob("helpline-2*Z-*.age"):
        assert b"staff-only-note-7731" not in sealed.read_bytes()
        opened = subprocess.run(
            [age, "--decrypt", "--identity", str(tmp_path / "key.txt"), str(sealed)],
            capture_output=True,
            check=True,
        ).stdout
        assert opened == (folder / sealed.name.removesuffix(".age")).read_bytes()

    # Restored into a fresh database from the copy that left the machine.
    fresh = f"t_restored_{os.getpid()}_{int(time.time())}"
    databases.drop_at_end(postgres, fresh)
    sealed_dump = next(offsite.glob("helpline-*-database.dump.age"))
    restored = call(
        RESTORE,
        "--database",
        fresh,
        "--identity",
        str(tmp_path / "key.txt"),
        str(sealed_dump),
        env=env,
    )
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert restored.stderr == "", restored.stderr
    restored_url = make_url(db_url).set(database=fresh).render_as_string(hide_password=False)
    before = databases.run(databases.snapshot(db_url))
    after = databases.run(databases.snapshot(restored_url))
    assert after == before
    assert {row.split(":")[0] for row in before} >= {"staff", "audit", "entries"}

    # The bot can use it as it is: it is at the newest schema already.
    upgraded = subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"],
        capture_output=True,
        text=True,
        env={**env, "DATABASE_URL": restored_url},
        timeout=120,
    )
    assert upgraded.returncode == 0, upgraded.stderr
    assert "Running upgrade" not in upgraded.stderr

    # Restoring over a database that exists needs --replace, which keeps the old one aside.
    again = call(RESTORE, "--database", fresh, str(folder / sealed_dump.name[:-4]), env=env)
    assert again.returncode == 1 and "--replace" in again.stderr
    replaced = call(
        RESTORE, "--replace", "--database", fresh, str(folder / sealed_dump.name[:-4]), env=env
    )
    assert replaced.returncode == 0, replaced.stdout + replaced.stderr
    kept = re.search(r"kept as (\S+)", replaced.stdout)
    assert kept is not None, replaced.stdout
    databases.drop_at_end(postgres, kept.group(1))
    assert databases.run(databases.snapshot(restored_url)) == before


def test_a_failed_backup_leaves_no_file_that_looks_good(tmp_path: Path, postgres: str) -> None:
    db_url = databases.database_on(postgres, "nobackup")
    env = script_env(tmp_path, db_url, DATABASE="t_no_such_database_here")
    failed = call(BACKUP, env=env)
    assert failed.returncode != 0
    assert [p.name for p in (tmp_path / "backups").iterdir()] == []
