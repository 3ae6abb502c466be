from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests import databases
from tests.directory_data import as_yaml, standard_entries
from tests.harness import Harness


@pytest.fixture(autouse=True, scope="session")
def _drop_test_databases() -> object:
    yield None
    databases.drop_created()


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
    harness = Harness(tmp_path)
    await harness.start(as_yaml(standard_entries()))
    try:
        yield harness
    finally:
        await harness.stop()
