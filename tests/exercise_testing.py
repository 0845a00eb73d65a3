"""For the tests of the exercise checkers: feed a checker a wrong answer, read the verdict."""

from __future__ import annotations

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
