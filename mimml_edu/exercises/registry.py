"""The registry of exercises, and the sources a course build needs.

Every chapter module ``exercises/chNN.py`` pairs each checker ``check_<name>`` with its
reference answer ``solution_<name>``; the reader's function is ``my_<name>``. In a
chapter, an exercise is one code cell tagged ``exercise`` with the metadata
``{"mimml": {"exercise": "<name>"}}``: it defines the stub ``my_<name>`` (which raises
``NotImplementedError``) and then calls ``check_<name>(my_<name>)``. A student copy keeps
the stub; an instructor copy replaces it with :func:`solution_source` (see
:func:`fill_in` and :func:`instructor_notebook`), and its checkers then say "correct".
"""

from __future__ import annotations

import ast
import copy
import inspect
import re
import textwrap
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mimml_edu.errors import ConfigError

#: The cell tag of an exercise cell, and the metadata key that names its exercise.
TAG = "exercise"
METADATA_KEY = "exercise"
STUB_BODY = "    # your code here\n    raise NotImplementedError\n"


@dataclass(frozen=True)
class Exercise:
    """One code exercise.

    Attributes:
        name: e.g. ``masked_mean``.  chapter: the chapter number, e.g. ``"04"``.
        check: ``check_<name>(answer) -> bool``, prints its verdict.
        solution: the reference answer ``solution_<name>``.
        stub: the name of the reader's function in the chapter, ``my_<name>``.
    """

    name: str
    chapter: str
    check: Callable[[Callable], bool]
    solution: Callable
    stub: str


def collect(modules: Iterable[types.ModuleType]) -> dict[str, Exercise]:
    """Every ``check_<name>`` / ``solution_<name>`` pair of the chapter modules, in order.

    Raises:
        ConfigError: for a checker without its solution, or a name used twice.
    """
    found: dict[str, Exercise] = {}
    for module in modules:
        chapter = module.__name__.rsplit(".ch", 1)[-1]
        for attr, value in vars(module).items():
            if not (attr.startswith("check_") and callable(value)):
                continue
            name = attr.removeprefix("check_")
            solution = getattr(module, f"solution_{name}", None)
            if solution is None:
                raise ConfigError(f"{module.__name__}: {attr} has no solution_{name}", key=name)
            if name in found:
                raise ConfigError(
                    f"{module.__name__}: exercise {name!r} is also in chapter "
                    f"{found[name].chapter}",
                    key=name,
                )
            found[name] = Exercise(name, chapter, value, solution, f"my_{name}")
    return found


def lookup(registry: Mapping[str, Exercise], name: str) -> Exercise:
    """``registry[name]``, or a :class:`ConfigError` that lists the exercises."""
    if name not in registry:
        raise ConfigError(f"no exercise {name!r}; the exercises are {sorted(registry)}", key=name)
    return registry[name]


def _imports(fn: Callable, tree: ast.AST) -> list[str]:
    """``import`` lines for the modules the function's source names (annotations too)."""
    local: set[str] = set()
    todo = [fn.__code__]
    while todo:  # the function's own names, and those of its comprehensions and lambdas
        code = todo.pop()
        local.update(code.co_varnames, code.co_cellvars)
        todo += [c for c in code.co_consts if isinstance(c, types.CodeType)]
    loads = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    names = sorted(loads - local)
    lines = []
    for n in names:
        value = fn.__globals__.get(n)
        if value is None:
            continue
        if not isinstance(value, types.ModuleType):
            raise ConfigError(
                f"{fn.__qualname__} uses {n!r} from its module, which a notebook cell does "
                "not have: a solution may only use modules (numpy, torch, math, ...)",
                key=fn.__name__,
            )
        module = value.__name__
        parent, _, last = module.rpartition(".")
        if module == n:
            lines.append(f"import {module}")
        elif parent and last == n:
            lines.append(f"from {parent} import {n}")
        else:
            lines.append(f"import {module} as {n}")
    return sorted(lines, key=lambda line: (line.startswith("from"), line))


def source_of(exercise: Exercise) -> str:
    """The solution's source, renamed to the stub's name, with the imports it needs."""
    fn = exercise.solution
    source = textwrap.dedent(inspect.getsource(fn))
    tree = ast.parse(source)
    renamed, count = re.subn(
        rf"^def {re.escape(fn.__name__)}\(", f"def {exercise.stub}(", source, count=1, flags=re.M
    )
    if count != 1:
        raise ConfigError(f"cannot find 'def {fn.__name__}(' in its source", key=exercise.name)
    imports = _imports(fn, tree)
    return ("\n".join(imports) + "\n\n\n" if imports else "") + renamed


def stub_of(exercise: Exercise) -> str:
    """``def my_<name>(<the solution's parameters>):`` and a body that raises."""
    signature = inspect.signature(exercise.solution)
    bare = signature.replace(
        parameters=[p.replace(annotation=p.empty) for p in signature.parameters.values()],
        return_annotation=signature.empty,
    )
    return f"def {exercise.stub}{bare}:\n{STUB_BODY}"


def replace_function(source: str, function: str, replacement: str) -> str:
    """``source`` with the top-level ``def function`` replaced by ``replacement``.

    Raises:
        ConfigError: when ``source`` does not define ``function``.
    """
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            lines = source.splitlines(keepends=True)
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            body = replacement if replacement.endswith("\n") else replacement + "\n"
            return "".join([*lines[:first], body, *lines[node.end_lineno :]])
    raise ConfigError(f"the cell does not define {function}()", key=function)


def exercise_cells(notebook: Mapping[str, Any]) -> list[tuple[int, str]]:
    """``(cell index, exercise name)`` of every cell tagged ``exercise``.

    Raises:
        ConfigError: for a tagged cell without ``metadata.mimml.exercise``.
    """
    found = []
    for i, cell in enumerate(notebook["cells"]):
        meta = cell.get("metadata", {})
        if TAG not in meta.get("tags", []):
            continue
        name = meta.get("mimml", {}).get(METADATA_KEY)
        if not name:
            raise ConfigError(
                f"cell {i} is tagged {TAG!r} but has no metadata mimml.{METADATA_KEY}",
                key=cell.get("id"),
            )
        found.append((i, str(name)))
    return found


def filled_in(registry: Mapping[str, Exercise], notebook: Mapping[str, Any]) -> Any:
    """A copy of the notebook with every exercise stub replaced by its solution."""
    out = copy.deepcopy(notebook)
    for i, name in exercise_cells(out):
        exercise = lookup(registry, name)
        cell = out["cells"][i]
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        cell["source"] = replace_function(source, exercise.stub, source_of(exercise))
    return out
