"""An uploaded directory file is checked in a separate process with limits on its CPU time,
memory and wall-clock time; past any of them the check stops and says so."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from bot.directory import file_check, file_format
from bot.directory.file_format import DirectoryFileInvalid, TooManyEntries
from tests.directory_data import as_yaml, entry, standard_entries
from tests.file_data import hostile_file, large_file


async def test_a_valid_file_comes_back_as_it_parses_here() -> None:
    text = as_yaml(standard_entries())
    checked = await file_check.parse(text, "file", max_entries=200)
    assert file_format.dump(checked.entries, internal=True) == file_format.dump(
        file_format.parse(text).entries, internal=True
    )


async def test_errors_come_back_as_they_are_found_here() -> None:
    bad = as_yaml([entry("fine"), entry("broken", regions=["XX"], status="x")])
    with pytest.raises(DirectoryFileInvalid) as here:
        file_format.parse(bad, "file")
    with pytest.raises(DirectoryFileInvalid) as there:
        await file_check.parse(bad, "file", max_entries=200)
    assert there.value.errors == here.value.errors
    with pytest.raises(DirectoryFileInvalid) as hostile:
        await file_check.parse(hostile_file(), "file", max_entries=200)
    assert "anchor" in str(hostile.value.errors[0])


async def test_too_many_entries_come_back_as_such() -> None:
    with pytest.raises(TooManyEntries) as caught:
        await file_check.parse(as_yaml([entry(f"e-{i}") for i in range(3)]), "f", max_entries=2)
    assert (caught.value.count, caught.value.limit) == (3, 2)


def _heavy(copies: int = 3) -> str:
    """Large files in one: seconds of CPU time and hundreds of megabytes of parsed YAML on any
    machine (the desk takes at most 1 MB; the limits hold for any input)."""
    one = large_file()
    head, _sep, body = one.partition("entries:\n")
    return (
        head + "entries:\n" + "".join(body.replace("large-", f"large{n}-") for n in range(copies))
    )


# Limits that no check in these tests comes near, so that each test meets only its own.
OUT_OF_REACH = {"CPU_SECONDS": 600, "MEMORY_BYTES": 4 * 1024**3, "WALL_SECONDS": 600.0}


@pytest.mark.parametrize(
    ("limit", "value", "copies"),
    # The CPU limit counts whole seconds from the end of the imports, rounded up, so a check
    # may use up to two seconds of CPU before it is stopped: thirty copies take several (5.6 s
    # on the machine that set these, three copies 0.44 s). Nine take 1.5 s: past 0.2 s of wall
    # time on any machine.
    [("CPU_SECONDS", 1, 30), ("MEMORY_BYTES", 4_000_000, 3), ("WALL_SECONDS", 0.2, 9)],
)
async def test_a_check_past_a_limit_is_stopped(
    monkeypatch: pytest.MonkeyPatch, limit: str, value: float, copies: int
) -> None:
    heavy = _heavy(copies)
    for name, out_of_reach in OUT_OF_REACH.items():
        monkeypatch.setattr(file_check, name, value if name == limit else out_of_reach)
    started = time.monotonic()
    with pytest.raises(file_check.CheckStopped):
        await file_check.parse(heavy, "file", max_entries=10_000)
    assert time.monotonic() - started < 30
    assert multiprocessing.active_children() == []  # nothing left running


async def test_the_same_heavy_file_passes_within_the_usual_limits() -> None:
    checked = await file_check.parse(_heavy(), "file", max_entries=1_000)
    assert len(checked.entries) == 600
