from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import settings

from tests import databases
from tests.harness import Harness, standard_directory

# Random tests draw the same examples on every run of the suite, so that a run fails only for
# a change in the code, never for a draw; the long fuzz mode (HELPLINE_FUZZ_LONG=1) draws new
# ones each time, and prints how to reproduce any failure it finds. No examples are saved.
settings.register_profile("suite", derandomize=True, database=None)
settings.register_profile("long", derandomize=False, database=None, print_blob=True)
settings.load_profile("long" if os.environ.get("HELPLINE_FUZZ_LONG") == "1" else "suite")


@pytest.fixture(autouse=True, scope="session")
def _drop_test_databases() -> object:
    yield None
    databases.drop_created()


@pytest.fixture(scope="session")
def postgres() -> str:
    """A PostgreSQL server's URL, for the tests that need one on any run."""
    server = databases.postgres_server()
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL tests, and no PostgreSQL server was found")
        pytest.skip(
            "needs PostgreSQL: set HELPLINE_TEST_DATABASE to a server's URL, or install"
            " PostgreSQL so that .ci/postgres can start one"
        )
    return server


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A new, empty database: a SQLite file, or one on the PostgreSQL server under test."""
    return databases.url_for(tmp_path)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No developer's .env or environment leaks into a test."""
    monkeypatch.chdir(tmp_path)
    for name in ("BOT_TOKEN", "DATABASE_URL", "TELEGRAM_API_URL", "LOG_LEVEL", "WEBHOOK_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    async with Harness(tmp_path, directory=standard_directory()) as harness:
        yield harness
