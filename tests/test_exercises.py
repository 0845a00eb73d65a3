"""The exercises keep one contract, and the chapters use them as a course build needs.

- every checker prints one verdict line and returns a bool; it says "correct" to its
  solution and "not yet" to a stub, to an answer that raises, and to one that returns
  nonsense; every checker has at least three wrong answers that it rejects
  (tests/test_exercises_chNN.py);
- :func:`solution_source` is self-contained code that passes its checker;
- every chapter's exercise cells are tagged, name their exercise, start from the stub and
  call the checker; no chapter imports a ``solution_*``; filled in with the solutions,
  every exercise cell of every chapter says "correct".
"""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import types

import nbformat
import numpy as np
import pytest
import torch
from conftest import ROOT

from mimml_edu import exercises
from mimml_edu.errors import ConfigError
from mimml_edu.exercises import EXERCISES, registry

NAMES = sorted(EXERCISES)
CHAPTERS = sorted({e.chapter for e in EXERCISES.values()})
NOTEBOOKS = {p.name[:2]: p for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}


def _verdict(check, answer) -> tuple[bool, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ok = check(answer)
    return ok, out.getvalue()


def _one_line(out: str, start: str) -> None:
    assert out.startswith(f"{start}: ") and out.count("\n") == 1, out


def test_every_chapter_module_is_in_the_registry():
    modules = {p.stem for p in (ROOT / "mimml_edu" / "exercises").glob("ch[0-9][0-9].py")}
    assert {f"ch{c}" for c in CHAPTERS} == modules
    for name, exercise in EXERCISES.items():
        module = importlib.import_module(f"mimml_edu.exercises.ch{exercise.chapter}")
        assert exercise.check is getattr(module, f"check_{name}")
        assert exercise.solution is getattr(module, f"solution_{name}")
        assert exercise.stub == f"my_{name}"


def test_a_checker_without_its_solution_is_an_error():
    module = types.ModuleType("mimml_edu.exercises.ch99")
    module.check_thing = lambda answer: True
    with pytest.raises(ConfigError, match="solution_thing"):
        registry.collect([module])


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes_and_the_stub_does_not(name):
    exercise = EXERCISES[name]
    ok, out = _verdict(exercise.check, exercise.solution)
    assert ok is True
    _one_line(out, "correct")
    namespace: dict = {}
    exec(exercises.stub_source(name), namespace)
    ok, out = _verdict(exercise.check, namespace[exercise.stub])
    assert ok is False
    _one_line(out, "not yet")
    assert f"{exercise.stub} still raises NotImplementedError" in out


def _package_answers() -> dict:
    """The package's own implementation of each exercise, called as the stub is."""
    from mimml_edu.data.splits import split_windows_by_participant
    from mimml_edu.data.turns import pool_frames
    from mimml_edu.evaluate import Predictions, compute_metrics, to_sessions
    from mimml_edu.explain import shapley_from_values, turn_scores
    from mimml_edu.metrics import balanced_accuracy
    from mimml_edu.mi_lab.gaussian import mi_to_rho
    from mimml_edu.model.blocks import gate_mix, masked_mean
    from mimml_edu.model.conditional import gaussian_log_prob
    from mimml_edu.objectives import mi
    from mimml_edu.objectives.mimml_loss import class_weights, cpc_term
    from mimml_edu.objectives.multitask import generate_labels, momentum_update

    def known_balanced_accuracy(labels, predictions):
        return balanced_accuracy(labels[labels >= 0], predictions[labels >= 0])

    def macro_f1(labels, predictions):
        zeros = np.zeros(len(labels))
        p = Predictions(list(map(str, range(len(labels)))), predictions.astype(float), zeros,
                        labels, zeros, zeros)  # fmt: skip
        value = compute_metrics(p)["macro_f1"]
        if np.isnan(value):
            raise ValueError("a class without a known label")
        return value

    def sessions(prob, ids):
        zeros = np.zeros(len(ids))
        p = to_sessions(Predictions(ids, prob.numpy(), zeros, zeros.astype(int), zeros, zeros))
        return dict(zip(p.session_id, p.prob, strict=True))

    return {
        "pool_frames": pool_frames,
        "participant_split": split_windows_by_participant,
        "mean_pooling": lambda h, m: masked_mean(torch.from_numpy(h), torch.from_numpy(m) > 0),
        "masked_mean": masked_mean,
        "gate_combine": gate_mix,
        "infonce": mi.infonce,
        "nwj": mi.nwj,
        "mi_to_rho": mi_to_rho,
        "cpc": lambda h, p: cpc_term(h, p, torch.nn.Identity()),
        "gaussian_log_prob": gaussian_log_prob,
        "generated_label": lambda s, m, y, h: generate_labels(s, m, y, clamp=h),
        "momentum": lambda old, new, n: momentum_update(old, new, epoch=n),
        "class_weights": class_weights,
        "session_probability": sessions,
        "shapley": shapley_from_values,
        "turn_scores": turn_scores,
        "balanced_accuracy": known_balanced_accuracy,
        "macro_f1": macro_f1,
    }


@pytest.mark.parametrize("name", sorted(set(NAMES) - {"voiced_pooling"}))
def test_the_package_passes_its_own_checker(name):
    """The checkers ask for what the package does (voiced pooling is a per-turn view of
    features.audio.pool_turns, which takes a whole recording)."""
    ok, out = _verdict(EXERCISES[name].check, _package_answers()[name])
    assert ok is True, out


@pytest.mark.parametrize("name", NAMES)
def test_broken_answers_are_not_yet_and_never_raise(name):
    check = EXERCISES[name].check

    def raises(*args, **kwargs):
        raise ZeroDivisionError("oops")

    def returns_none(*args, **kwargs):
        return None

    def returns_text(*args, **kwargs):
        return "an answer"

    for answer, words in [
        (raises, "raised ZeroDivisionError: oops"),
        (returns_none, ""),
        (returns_text, ""),
        (42, "expected a function"),
    ]:
        ok, out = _verdict(check, answer)
        assert ok is False, f"check_{name} accepted {answer!r}"
        _one_line(out, "not yet")
        assert words in out


def test_every_checker_has_three_wrong_answers():
    wrong: dict[str, list] = {}
    for chapter in CHAPTERS:
        wrong.update(importlib.import_module(f"test_exercises_ch{chapter}").WRONG)
    assert set(wrong) == set(EXERCISES)
    few = {name: len(answers) for name, answers in wrong.items() if len(answers) < 3}
    assert not few, f"checkers with fewer than 3 wrong answers: {few}"


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_source_runs_on_its_own_and_passes(name):
    exercise = EXERCISES[name]
    source = exercises.solution_source(name)
    assert f"def {exercise.stub}(" in source and "solution_" not in source
    namespace: dict = {}
    exec(source, namespace)  # nothing from the chapter module: imports are in the source
    assert namespace[exercise.stub].__name__ == exercise.stub
    ok, _ = _verdict(exercise.check, namespace[exercise.stub])
    assert ok is True


def test_fill_in_replaces_only_the_stub():
    cell = exercises.stub_source("momentum") + "\n\nprint('before')\ncheck_momentum(my_momentum)"
    filled = exercises.fill_in(cell, "momentum")
    assert "raise NotImplementedError" not in filled
    assert filled.endswith("\n\nprint('before')\ncheck_momentum(my_momentum)")
    assert exercises.solution_source("momentum") in filled
    with pytest.raises(ConfigError, match="does not define my_momentum"):
        exercises.fill_in("x = 1", "momentum")
    with pytest.raises(ConfigError, match="no exercise 'nope'"):
        exercises.solution_source("nope")


def _source(cell) -> str:
    return cell.source if isinstance(cell.source, str) else "".join(cell.source)


def _import_cells(nb) -> list[str]:
    return [
        _source(c) for c in nb.cells if c.cell_type == "code" and "mimml_edu.exercises" in c.source
    ]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_exercise_cells_start_from_the_stub_and_call_the_checker(chapter):
    nb = nbformat.read(NOTEBOOKS[chapter], as_version=4)
    cells = exercises.exercise_cells(nb)
    names = [name for _, name in cells]
    assert sorted(names) == sorted(n for n, e in EXERCISES.items() if e.chapter == chapter)
    for i, name in cells:
        cell = nb.cells[i]
        assert cell.cell_type == "code"
        want = f"{exercises.stub_source(name)}\n\ncheck_{name}(my_{name})"
        assert _source(cell) == want, f"cell {i} of chapter {chapter}"
    assert any(f"from mimml_edu.exercises.ch{chapter} import" in s for s in _import_cells(nb))


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.values()), ids=lambda p: p.name)
def test_no_chapter_imports_a_solution(path):
    text = path.read_text()
    assert not re.search(r"solution_\w+|reference_\w+", text), f"{path.name} names a solution"


def _run_exercises(nb) -> list[tuple[str, bool, str]]:
    """Run a chapter's exercise imports, then each exercise cell; (name, verdict, output)."""
    namespace: dict = {}
    for source in _import_cells(nb):
        exec(source, namespace)
    results = []
    for i, name in exercises.exercise_cells(nb):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(_source(nb.cells[i]), namespace)
        stub = namespace[EXERCISES[name].stub]
        ok, _ = _verdict(EXERCISES[name].check, stub)
        results.append((name, ok, out.getvalue()))
    return results


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_student_copy_says_not_yet_and_runs_on(chapter):
    nb = nbformat.read(NOTEBOOKS[chapter], as_version=4)
    for name, ok, out in _run_exercises(nb):
        assert ok is False, name
        _one_line(out, "not yet")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_instructor_copy_passes_every_checker(chapter):
    nb = nbformat.read(NOTEBOOKS[chapter], as_version=4)
    filled = exercises.instructor_notebook(nb)
    assert nb.cells[exercises.exercise_cells(nb)[0][0]].source.count("NotImplementedError")
    for name, ok, out in _run_exercises(filled):
        assert ok is True, f"{name}: {out}"
        _one_line(out, "correct")
