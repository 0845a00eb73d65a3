"""Exercise checkers of the chapters: one module per chapter, one contract for all.

``check_<name>(answer) -> bool`` runs the reader's function on inputs whose answer the
package knows, edge cases included, prints one line (``correct: ...`` or ``not yet: ...``
saying which input, what was expected and what came back) and returns True or False. It
never raises for a wrong answer. The reference answer is ``solution_<name>``; the
chapters never import it. See :mod:`~mimml_edu.exercises.checking` for the contract.

- :data:`EXERCISES`: name -> :class:`Exercise` (chapter, checker, solution, stub name).
- :func:`solution_source`, :func:`stub_source`: the code of an answer and of its stub.
- :func:`fill_in`, :func:`instructor_notebook`: a chapter cell or a whole chapter with the
  stubs replaced by the solutions (the instructor copy of a course build).

Modules: :mod:`~mimml_edu.exercises.ch02` (data), :mod:`~mimml_edu.exercises.ch03`
(features), :mod:`~mimml_edu.exercises.ch04` (encoders), :mod:`~mimml_edu.exercises.ch05`
(mutual information), :mod:`~mimml_edu.exercises.ch06` (MI for fusion),
:mod:`~mimml_edu.exercises.ch07` (multi-task), :mod:`~mimml_edu.exercises.ch08` (MIMML),
:mod:`~mimml_edu.exercises.ch09` (explanations), :mod:`~mimml_edu.exercises.ch10`
(evaluating honestly).
"""

from __future__ import annotations

from typing import Any

from mimml_edu.exercises import ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09, ch10, registry
from mimml_edu.exercises.registry import TAG, Exercise, exercise_cells

#: Every exercise of the book: name -> :class:`Exercise`, in chapter order.
EXERCISES: dict[str, Exercise] = registry.collect(
    [ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09, ch10]
)


def solution_source(name: str) -> str:
    """The reference answer of exercise ``name`` as code for a notebook cell.

    Returns:
        the ``import`` lines it needs and the source of ``solution_<name>``, renamed to the
        stub's name ``my_<name>``.
    Raises:
        ConfigError: for an unknown exercise.
    """
    return registry.source_of(registry.lookup(EXERCISES, name))


def stub_source(name: str) -> str:
    """The stub of exercise ``name``: ``def my_<name>(...)`` raising NotImplementedError."""
    return registry.stub_of(registry.lookup(EXERCISES, name))


def fill_in(source: str, name: str) -> str:
    """A cell's source with the stub ``my_<name>`` replaced by :func:`solution_source`.

    Raises:
        ConfigError: for an unknown exercise, or a cell that does not define the stub.
    """
    exercise = registry.lookup(EXERCISES, name)
    return registry.replace_function(source, exercise.stub, registry.source_of(exercise))


def instructor_notebook(notebook: Any) -> Any:
    """A copy of a chapter (an nbformat notebook or its JSON dict) with every cell tagged
    ``exercise`` filled in with its solution."""
    return registry.filled_in(EXERCISES, notebook)


__all__ = [
    "EXERCISES",
    "TAG",
    "Exercise",
    "exercise_cells",
    "fill_in",
    "instructor_notebook",
    "solution_source",
    "stub_source",
]
