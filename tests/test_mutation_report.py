"""The mutation report's reading of docs/TESTING.md: every mutant a bullet names as
equivalent counts as such, in full or as a short `_N` after a full name."""

from __future__ import annotations

import tomllib

from tests.mutation import (
    EQUIVALENT_HEADING,
    PROJECT,
    equivalent_mutants,
    survivors,
    table,
    to_test_again,
)

SECTION = f"""{EQUIVALENT_HEADING}

Each changes nothing.

- `bot.a.x_f__mutmut_1`: one alone.
- `bot.a.x_g__mutmut_18` and `_19`: a full name, then a short one.
- `bot.b.x_h__mutmut_6`, `_7` and `_12`, and `bot.c.x_k__mutmut_3` and `bot.c.x_k__mutmut_4`: 3.

## Next section

- `bot.z.x_z__mutmut_9`: not under the heading.
"""


def test_every_named_mutant_is_read_short_names_included() -> None:
    assert equivalent_mutants(SECTION) == {
        "bot.a.x_f__mutmut_1",
        "bot.a.x_g__mutmut_18",
        "bot.a.x_g__mutmut_19",
        "bot.b.x_h__mutmut_6",
        "bot.b.x_h__mutmut_7",
        "bot.b.x_h__mutmut_12",
        "bot.c.x_k__mutmut_3",
        "bot.c.x_k__mutmut_4",
    }


def test_the_reason_may_name_no_mutant() -> None:
    text = f"{EQUIVALENT_HEADING}\n\n- `bot.a.x_f__mutmut_1`: unlike `x_f__mutmut_2`, it is.\n"
    assert equivalent_mutants(text) == {"bot.a.x_f__mutmut_1"}


def test_every_data_file_of_the_mutated_tree_is_copied_again_each_run() -> None:
    """mutmut copies a source tree's other files once and never again (`copy_src_dir` skips a
    file that exists), so a data file changed since would be stale in `mutants/`, and every
    test reading it would fail or pass for that reason alone. `also_copy` is copied each run."""
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    again = [PROJECT / path for path in config["also_copy"]]
    data = [
        path
        for root in config["source_paths"]
        for path in (PROJECT / root).rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"}
    ]
    assert data, "the demo directory at least"
    stale = [
        str(path.relative_to(PROJECT))
        for path in data
        if not any(path == kept or kept in path.parents for kept in again)
    ]
    assert stale == []


def test_a_timeout_is_caught_but_tested_again_and_the_table_says_which() -> None:
    """A mutant that ran out of time may be an endless loop, or a busy machine."""
    codes: dict[str, int | None] = {
        "bot.a.x_f__mutmut_1": 1,
        "bot.a.x_f__mutmut_2": 36,
        "bot.a.x_f__mutmut_3": 0,
        "bot.a.x_f__mutmut_4": None,
        "bot.a.x_f__mutmut_5": -24,
    }
    assert to_test_again(codes) == [
        "bot.a.x_f__mutmut_2",
        "bot.a.x_f__mutmut_3",
        "bot.a.x_f__mutmut_4",
        "bot.a.x_f__mutmut_5",
    ]
    assert survivors(codes, set()) == ["bot.a.x_f__mutmut_3", "bot.a.x_f__mutmut_4"]
    text, score = table(codes, set())
    header, row = text.splitlines()[:2]
    cells = dict(zip(header.split()[1:], row.split()[1:], strict=False))
    assert (cells["killed"], cells["timeout"], cells["survived"]) == ("1", "2", "1")
    assert score == 60.0
