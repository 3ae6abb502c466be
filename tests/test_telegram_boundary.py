"""Only bot/telegram/ speaks to python-telegram-bot; the rest of bot/ is the core, and a reader
(or a command such as `helpline stats`) can use it without Telegram's library."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.processes import PROJECT


def telegram_imports(root: Path) -> list[str]:
    """Every import of python-telegram-bot in bot/ outside bot/telegram/, at the top of a
    module or inside a function, as `file:line`."""
    found = []
    for path in sorted((root / "bot").rglob("*.py")):
        relative = path.relative_to(root)
        if relative.parts[:2] == ("bot", "telegram"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            if any(name.split(".")[0] == "telegram" for name in names):
                found.append(f"{relative.as_posix()}:{node.lineno}")
    return found


def test_nothing_outside_bot_telegram_imports_telegram() -> None:
    assert telegram_imports(PROJECT) == []


def test_an_import_inside_a_function_is_found_too(tmp_path: Path) -> None:
    (tmp_path / "bot" / "telegram").mkdir(parents=True)
    (tmp_path / "bot" / "telegram" / "app.py").write_text("import telegram\n")
    (tmp_path / "bot" / "tool.py").write_text(
        "from bot.telegram import app\n"
        "def late():\n"
        "    from telegram.error import NetworkError\n"
        "    import telegram.ext, json\n"
    )
    assert telegram_imports(tmp_path) == ["bot/tool.py:3", "bot/tool.py:4"]
