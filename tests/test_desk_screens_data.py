"""The desk's screens are given plain values, never database rows: a screen that held a row
could load more of it (a lazy attribute is a query) or change it, and would show whatever the
row has rather than what it was handed."""

from __future__ import annotations

import ast
from pathlib import Path

DESK = Path(__file__).resolve().parent.parent / "bot" / "desk"
# What reads or writes the database: the ORM, its rows, and the desk's modules that use them.
DATABASE = (
    "sqlalchemy",
    "bot.db",
    "bot.desk.proposals",
    "bot.desk.recheck",
    "bot.desk.staff",
    "bot.desk.pending",
    "bot.desk.summarize",
)


def screen_modules() -> list[Path]:
    return [*DESK.glob("screens.py"), *sorted(DESK.glob("screens/*.py"))]


def imported(path: Path) -> set[str]:
    """Every module a file imports, and every `from X import Y` as X.Y too."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_screens_are_found() -> None:
    assert screen_modules()


def test_no_screen_imports_what_reads_the_database() -> None:
    found = {
        f"{path.relative_to(DESK)}: {name}"
        for path in screen_modules()
        for name in imported(path)
        if any(name == module or name.startswith(module + ".") for module in DATABASE)
    }
    assert found == set()
