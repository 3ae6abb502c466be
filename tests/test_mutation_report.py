"""The mutation report's reading of docs/TESTING.md: every mutant a bullet names as
equivalent counts as such, in full or as a short `_N` after a full name."""

from __future__ import annotations

import tomllib

from tests.mutation import EQUIVALENT_HEADING, PROJECT, equivalent_mutants

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
