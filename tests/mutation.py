"""`python -m tests.mutation`: mutation testing of the modules that keep the product's promises.

    python -m tests.mutation            # a fresh run of every mutant, then the table
    python -m tests.mutation --again    # test again the mutants not killed last time (or not run)
    python -m tests.mutation --report   # only the table of the last run

mutmut (configured in pyproject.toml, `[tool.mutmut]`) changes one small thing at a time in
those modules, and runs the tests that reach the changed function; a mutant no test notices
"survived". The table gives, per module, the mutants killed and the score: killed or timed
out, out of all but the ones docs/TESTING.md explains, one by one, as equivalent (they change
nothing a test could see). It exits 1 below MIN_SCORE. Too slow for every CI run: run it on
demand and before a release (docs/TESTING.md has the latest figures).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
MUTANTS = PROJECT / "mutants"
TESTING = PROJECT / "docs" / "TESTING.md"
MIN_SCORE = 95.0
EQUIVALENT_HEADING = "### Equivalent mutants"

# mutmut's exit codes per mutant (mutmut/stats.py): a test failed; or the mutant ran out of
# time (an endless loop is caught so), which a machine busy with something else can cause
# too, so `--again` tests a timed-out mutant again.
KILLED = {1, 3}
TIMED_OUT = {-24, 24, 152, 255, 36}
SURVIVED = {0}
NO_TESTS = {5, 33}


def equivalent_mutants(text: str) -> set[str]:
    """The mutant names listed, each with its reason, under EQUIVALENT_HEADING."""
    _, found, rest = text.partition(EQUIVALENT_HEADING)
    if not found:
        return set()
    section = re.split(r"^#{1,3} ", rest, maxsplit=1, flags=re.MULTILINE)[0]
    named: set[str] = set()
    for bullet in re.findall(r"^- (`.*?`):", section, flags=re.MULTILINE):
        # Before the reason: full names, each maybe followed by short ones (`_19`) of its
        # function.
        function = ""
        for name in re.findall(r"`([^`]+)`", bullet):
            full = re.fullmatch(r"([\w.ǁ]+__mutmut_)\d+", name)
            if full:
                function = full[1]
                named.add(name)
            elif function and re.fullmatch(r"_\d+", name):
                named.add(function + name[1:])
    return named


def results() -> dict[str, int | None]:
    """Every mutant of the last run and mutmut's exit code for it (None: not run)."""
    found: dict[str, int | None] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        found.update(json.loads(meta.read_text("utf-8"))["exit_code_by_key"])
    return found


def module_of(mutant: str) -> str:
    return mutant.rsplit(".", 1)[0]


def table(codes: dict[str, int | None], equivalent: set[str]) -> tuple[str, float]:
    rows: dict[str, Counter[str]] = {}
    for mutant, code in codes.items():
        counts = rows.setdefault(module_of(mutant), Counter())
        counts["mutants"] += 1
        if mutant in equivalent:
            counts["equivalent"] += 1
        elif code in KILLED:
            counts["killed"] += 1
        elif code in TIMED_OUT:
            counts["timeout"] += 1
        elif code in SURVIVED:
            counts["survived"] += 1
        elif code in NO_TESTS:
            counts["no tests"] += 1
        else:
            counts["other"] += 1
    columns = ("mutants", "killed", "timeout", "survived", "no tests", "other", "equivalent")
    lines = [f"{'module':<22}" + "".join(f"{c:>11}" for c in columns) + f"{'score':>8}"]
    total: Counter[str] = Counter()
    for module, counts in sorted(rows.items()):
        total.update(counts)
        lines.append(_row(module, counts, columns))
    lines.append(_row("all", total, columns))
    return "\n".join(lines), _score(total)


def _score(counts: Counter[str]) -> float:
    judged = counts["mutants"] - counts["equivalent"]
    return 100.0 * (counts["killed"] + counts["timeout"]) / judged if judged else 100.0


def _row(name: str, counts: Counter[str], columns: tuple[str, ...]) -> str:
    cells = "".join(f"{counts[c]:>11}" for c in columns)
    return f"{name:<22}{cells}{_score(counts):>7.1f}%"


def survivors(codes: dict[str, int | None], equivalent: set[str]) -> list[str]:
    """Mutants not caught (not run yet included), but for the equivalent ones."""
    caught = KILLED | TIMED_OUT
    return sorted(m for m, c in codes.items() if c not in caught and m not in equivalent)


def to_test_again(codes: dict[str, int | None]) -> list[str]:
    """What `--again` runs: every mutant not killed by a failing test, the equivalent ones
    and the timed-out ones included (the tests may have changed since, or the machine was
    busy)."""
    return sorted(m for m, c in codes.items() if c not in KILLED)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__)
    choice = parser.add_mutually_exclusive_group()
    choice.add_argument(
        "--again", action="store_true", help="test again what was not killed, timeouts too"
    )
    choice.add_argument("--report", action="store_true", help="print the last run's table")
    args = parser.parse_args(argv)
    mutmut = shutil.which("mutmut") or str(Path(sys.executable).parent / "mutmut")
    started = time.monotonic()
    if not args.report:
        names: list[str] = []
        if args.again:
            names = to_test_again(results())
            if not names:
                print("no survivors to test again")
        else:
            shutil.rmtree(MUTANTS, ignore_errors=True)
        if names or not args.again:
            subprocess.run([mutmut, "run", *names], cwd=PROJECT, check=False)
        print(f"\nmutation run took {(time.monotonic() - started) / 60:.1f} minutes")
    codes = results()
    if not codes:
        print("no results: run `python -m tests.mutation` first", file=sys.stderr)
        return 1
    equivalent = equivalent_mutants(TESTING.read_text("utf-8")) if TESTING.exists() else set()
    unknown = equivalent - set(codes)
    text, score = table(codes, equivalent & set(codes))
    print(text)
    left = survivors(codes, equivalent)
    if left:
        print("\nnot killed (`mutmut show NAME` prints the change):")
        print("\n".join(f"  {name}  [{codes[name]}]" for name in left))
    if unknown:
        print("\nlisted as equivalent in docs/TESTING.md but no longer a mutant:")
        print("\n".join(f"  {name}" for name in sorted(unknown)))
    print(f"\nscore {score:.1f}% (at least {MIN_SCORE:.0f}% wanted)")
    return 0 if score >= MIN_SCORE else 1


if __name__ == "__main__":
    raise SystemExit(main())
