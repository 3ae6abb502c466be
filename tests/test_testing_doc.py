"""docs/TESTING.md is where a newcomer learns what guards a promise and what a mutation run
cannot see. A test file it does not name is a guard nobody knows to keep, and a file left out of
the mutation runs without a reason is a hole in the score that nobody decided on."""

from __future__ import annotations

import re
import tomllib

from tests.mutation import PROJECT, TESTING

TEST_FILE = re.compile(r"\btest_\w+\.py\b")


def _section(text: str, start: str, end: str) -> str:
    """The text from the line that starts with `start` to the next line that starts with `end`."""
    begin = text.index("\n" + start) + 1
    return text[begin : text.index("\n" + end, begin)]


def _named(section: str) -> set[str]:
    return set(TEST_FILE.findall(section))


def _ci_steps() -> list[str]:
    """The lines of `.ci/run` that do something: no blank line, no comment."""
    lines = (PROJECT / ".ci" / "run").read_text("utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def test_the_table_names_every_test_file() -> None:
    table = _section(TESTING.read_text("utf-8"), "## What the suite covers", "## ")
    on_disk = {path.name for path in (PROJECT / "tests").glob("test_*.py")}
    assert len(on_disk) > 50, "the tests were not found where the project keeps them"
    missing = sorted(on_disk - _named(table))
    assert not missing, f"test files the table does not name: {missing}"
    assert _named(table) - on_disk == set(), "the table names a test file that is not there"


def test_every_file_left_out_of_the_mutation_runs_is_named_with_its_reason() -> None:
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    left_out = {
        argument.removeprefix("--ignore=tests/")
        for argument in config["pytest_add_cli_args_test_selection"]
        if argument.startswith("--ignore=")
    }
    assert "test_privacy.py" in left_out, "the selection was not read"
    reasons = _section(TESTING.read_text("utf-8"), "**Which tests run**", "**")
    unexplained = sorted(left_out - _named(reasons))
    assert not unexplained, f"left out of the mutation runs with no reason given: {unexplained}"


def test_ci_fails_rather_than_skips_the_postgresql_tests() -> None:
    """The `postgres` fixture skips where no server is found unless `CI` is set. `.ci/run` must
    set it itself, before any test runs, so that a CI system that does not set it cannot turn
    the multi-process, backup and PostgreSQL-only tests into quiet skips."""
    steps = _ci_steps()
    first_test = next(n for n, line in enumerate(steps) if line.startswith("pytest"))
    assert "export CI=true" in steps[:first_test]


def test_ci_ends_with_the_readmes_test_command_word_for_word() -> None:
    """A fresh machine runs the README's second line; CI must run that line, not a cousin of it,
    so that what CI passes is what a newcomer's first run does."""
    readme = (PROJECT / "README.md").read_text("utf-8").splitlines()
    command = next(line.strip() for line in readme if line.strip().endswith("&& pytest"))
    assert command == readme[3].strip(), "the README's second command is not where it belongs"
    assert _ci_steps()[-1] == command
