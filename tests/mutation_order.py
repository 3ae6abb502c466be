"""A pytest plugin for mutation runs only (`[tool.mutmut]` loads it): fastest tests first.

mutmut runs a mutant's tests until the first failure, in no useful order. Run from the
fastest, as the recorded run timed them, a mutant a unit test notices is killed in a fraction
of a second instead of after the end-to-end tests. Outside a mutant's run it changes nothing.
"""

from __future__ import annotations

import json
import os

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    stats = config.rootpath / "mutmut-stats.json"
    try:
        durations: dict[str, float] = json.loads(stats.read_text("utf-8"))["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return
    slowest = max(durations.values(), default=0.0)
    items.sort(key=lambda item: durations.get(item.nodeid, slowest))
