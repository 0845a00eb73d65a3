"""For the tests of the exercise checkers: feed a checker a wrong answer, read the verdict;
run a chapter's exercise cells (after its exercise imports) and collect the verdicts."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable

import pytest

from mimml_edu.exercises import EXERCISES

#: A wrong answer: (what is wrong with it, the function, a piece of the expected verdict).
Wrong = tuple[str, Callable, str]


def params(wrong: dict[str, list[Wrong]]) -> list:
    """pytest parameters ``(name, answer, match)``, with ids ``name: what is wrong``."""
    return [
        pytest.param(name, answer, match, id=f"{name}: {why}")
        for name, answers in wrong.items()
        for why, answer, match in answers
    ]


def assert_not_yet(name: str, answer: Callable, match: str, capsys) -> None:
    """The checker of exercise ``name`` returns False and prints one "not yet" line
    containing ``match``."""
    capsys.readouterr()
    ok = EXERCISES[name].check(answer)
    out = capsys.readouterr().out
    assert ok is False, f"check_{name} accepted a wrong answer: {out}"
    assert out.startswith("not yet: ") and out.count("\n") == 1, out
    assert match in out, f"the verdict should mention {match!r}: {out}"


def cell_source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def import_cells(nb) -> list[str]:
    """The sources of a chapter's code cells that import from ``mimml_edu.exercises``."""
    return [
        cell_source(c)
        for c in nb.cells
        if c.cell_type == "code" and "mimml_edu.exercises" in c.source
    ]


def run_exercises(nb) -> list[tuple[str, bool, str]]:
    """Run a chapter's exercise imports, then each exercise cell; (name, verdict, output)."""
    from mimml_edu import exercises

    namespace: dict = {}
    for source in import_cells(nb):
        exec(source, namespace)
    results = []
    for i, name in exercises.exercise_cells(nb):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(cell_source(nb.cells[i]), namespace)
        stub = namespace[EXERCISES[name].stub]
        with contextlib.redirect_stdout(io.StringIO()):
            ok = EXERCISES[name].check(stub)
        results.append((name, ok, out.getvalue()))
    return results
