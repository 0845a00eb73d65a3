"""Chapter 01 (the task): a PHQ-8 total and its label, and what a positive screen is worth.

- :func:`check_phq8`: ``my_phq8(items) -> (score, depressed)``, the questionnaire's total
  and the label every corpus of the book derives from it (score >= 10,
  :data:`mimml_edu.data.batch.PHQ8_THRESHOLD`), with invalid answers refused.
- :func:`check_ppv`: ``my_ppv(sensitivity, specificity, prevalence) -> PPV``, how often a
  positive screen is right where depression has a given prevalence.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from numbers import Real

import numpy as np

from mimml_edu.data import batch
from mimml_edu.data.batch import PHQ8_THRESHOLD
from mimml_edu.exercises.checking import NotYet, call, checker, expect_raises


def solution_phq8(items: list[int]) -> tuple[int, bool]:
    """The PHQ-8 total (0..24) of eight item answers (each an integer 0..3) and whether it
    reaches the threshold of 10; anything else (a missing item, a ninth item, a 4) is a
    ValueError: the score of an incomplete or invalid questionnaire is unknown."""
    items = list(items)
    if len(items) != 8:
        raise ValueError(f"the PHQ-8 has 8 items, got {len(items)}")
    for i, value in enumerate(items):
        ok = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
        if not ok or not 0 <= value <= 3:
            raise ValueError(f"item {i + 1} must be an integer 0..3, got {value!r}")
    score = int(sum(items))
    return score, score >= batch.PHQ8_THRESHOLD


def _valid_cases() -> list[tuple[str, list, int]]:
    rng = np.random.default_rng(1)
    cases = [
        ("a score of exactly 10, the threshold", [2, 2, 1, 1, 1, 1, 1, 1], 10),
        ("a score of 9, one point below the threshold", [2, 1, 1, 1, 1, 1, 1, 1], 9),
        ("every item 0", [0] * 8, 0),
        ("every item 3, the maximum of 24", [3] * 8, 24),
        ("items as numpy integers", list(np.array([3, 3, 0, 1, 2, 0, 1, 0])), 10),
    ]
    for j in range(5):
        items = [int(v) for v in rng.integers(0, 4, size=8)]
        cases.append((f"random answers {j}", items, sum(items)))
    return cases


_MISSING = "a missing item leaves the score unknown"
_INVALID: list[tuple[str, list, str]] = [
    ("7 items", [1, 1, 1, 1, 1, 1, 1], "the PHQ-8 has 8 items"),
    ("9 items (the PHQ-9's ninth item added)", [1] * 8 + [2], "the PHQ-8 has 8 items"),
    ("an item of 4", [4, 1, 1, 1, 1, 1, 1, 1], "an item is answered 0 to 3"),
    ("an item of -1", [1, 1, -1, 1, 1, 1, 1, 1], "an item is answered 0 to 3"),
    ("a missing item (None)", [1, 1, 1, None, 1, 1, 1, 1], _MISSING),
    ("a missing item (NaN)", [1, 1, 1, 1, 1, 1, 1, float("nan")], _MISSING),
    ("an item of 1.5", [1, 1.5, 1, 1, 1, 1, 1, 1], "an item is a whole number 0 to 3"),
]  # fmt: skip


def _whole(value: object) -> int | None:
    """``value`` as an int if it is a whole number (not a bool), else None."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        return None
    return int(value) if float(value).is_integer() else None


@checker
def check_phq8(answer: Callable) -> str:
    """Check ``answer(items) -> (score, depressed)`` on valid questionnaires (a score of
    exactly 10 and of 9 among them) and on invalid ones (7 or 9 items, an item of 4 or -1,
    a missing item, a fractional item), which must raise ValueError."""
    for case, items, score in _valid_cases():
        case = f"items {[int(v) for v in items]} ({case})"
        got = call(answer, items, case=case)
        if not (isinstance(got, tuple | list) and len(got) == 2):
            raise NotYet(f"{case}: return (score, depressed), got {type(got).__name__}")
        got_score, got_flag = got
        if _whole(got_score) != score:
            raise NotYet(f"{case}: expected the score {score}, got {got_score!r}")
        want = score >= PHQ8_THRESHOLD
        if not isinstance(got_flag, bool | np.bool_):
            raise NotYet(f"{case}: depressed must be True or False, got {got_flag!r}")
        if bool(got_flag) != want:
            raise NotYet(
                f"{case}: a score of {score} is {'' if want else 'not '}at or above the "
                f"threshold {PHQ8_THRESHOLD}, so depressed is {want}; got {bool(got_flag)}"
            )
    for case, items, why in _INVALID:
        expect_raises(answer, items, error=ValueError, case=f"items {items} ({case})", why=why)
    return (
        "the total of eight answers 0..3, depressed from 10 on, and every invalid "
        "questionnaire refused."
    )


def solution_ppv(sensitivity: float, specificity: float, prevalence: float) -> float:
    """The positive predictive value P(depressed | positive) of a screen with this
    sensitivity and specificity where depression has this prevalence (Bayes' rule). Values
    outside [0, 1], and a screen that nobody passes as positive (the PPV is then
    undefined), are a ValueError."""
    for name, value in (
        ("sensitivity", sensitivity),
        ("specificity", specificity),
        ("prevalence", prevalence),
    ):
        if not 0 <= value <= 1:
            raise ValueError(f"{name} must be a fraction in [0, 1], got {value}")
    true_pos = sensitivity * prevalence
    false_pos = (1 - specificity) * (1 - prevalence)
    if true_pos + false_pos == 0:
        raise ValueError("nobody tests positive, so the PPV is undefined")
    return true_pos / (true_pos + false_pos)


#: (sensitivity, specificity, prevalence, what the case is)
_PPV_CASES: list[tuple[float, float, float, str]] = [
    (0.88, 0.88, 0.086, "the PHQ-9 in the population survey"),
    (0.88, 0.88, 30 / 107, "the PHQ-9 on DAIC-WOZ's training split"),
    (0.88, 0.88, 0.5, "half are depressed: PPV = specificity when sensitivity = specificity"),
    (0.7, 0.95, 0.2, "sensitivity and specificity differ"),
    (0.95, 0.7, 0.2, "the same two swapped"),
    (0.88, 0.88, 0.0, "a prevalence of 0: every positive is false"),
    (0.88, 0.88, 1.0, "a prevalence of 1: every positive is true"),
    (0.0, 0.9, 0.3, "a sensitivity of 0: every positive is false"),
    (0.6, 1.0, 0.3, "a specificity of 1: no false positive"),
]


@checker
def check_ppv(answer: Callable) -> str:
    """Check ``answer(sensitivity, specificity, prevalence) -> PPV`` on the chapter's
    prevalences, on unequal sensitivity and specificity, on prevalences of 0 and 1, on a
    sensitivity of 0 and a specificity of 1; values outside [0, 1] and a screen nobody
    passes as positive must raise ValueError."""
    for sens, spec, prev, what in _PPV_CASES:
        case = f"sensitivity={sens}, specificity={spec}, prevalence={prev:.4g} ({what})"
        got = call(answer, sens, spec, prev, case=case)
        want = solution_ppv(sens, spec, prev)
        if isinstance(got, bool) or not isinstance(got, Real):
            raise NotYet(f"{case}: expected a number, got {got!r:.60}")
        if not math.isclose(float(got), want, abs_tol=1e-9):
            raise NotYet(f"{case}: expected PPV {want:.6g}, got {float(got):.6g}")
    bad_inputs = [
        ((0.0, 1.0, 0.3), "sensitivity=0, specificity=1", "nobody tests positive"),
        ((0.88, 1.0, 0.0), "specificity=1, prevalence=0", "nobody tests positive"),
        ((88, 0.88, 0.3), "sensitivity=88 (a percentage)", "pass the fraction 0.88"),
        ((0.88, 1.2, 0.3), "specificity=1.2", "a specificity is a fraction in [0, 1]"),
        ((0.88, 0.88, -0.1), "prevalence=-0.1", "a prevalence is a fraction in [0, 1]"),
    ]
    for args, case, why in bad_inputs:
        expect_raises(answer, *args, error=ValueError, case=case, why=why)
    return "Bayes' rule on every prevalence, the edge cases handled, bad inputs refused."
