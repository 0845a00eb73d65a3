"""Chapter 01 (the task): a PHQ-8 total and its label, and what an accuracy on n people can be.

- :func:`check_phq8`: ``my_phq8(items) -> (score, depressed)``, the questionnaire's total
  and the label every corpus of the book derives from it (score >= 10,
  :data:`mimml_edu.data.batch.PHQ8_THRESHOLD`), with invalid answers refused.
- :func:`check_nearest_accuracy`: ``my_nearest_accuracy(n, target) -> (k, k / n)``, the
  accuracy on ``n`` people nearest to a reported one.
"""

from __future__ import annotations

import fractions
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


def solution_nearest_accuracy(n: int, target: float) -> tuple[int, float]:
    """The number ``k`` of ``n`` people classified correctly whose accuracy ``k / n`` is
    nearest to ``target`` (a fraction in [0, 1]), on a tie the smaller ``k``; and ``k / n``.
    ``n`` below 1 or ``target`` outside [0, 1] is a ValueError."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    if not 0 <= target <= 1:
        raise ValueError(f"target must be a fraction in [0, 1], got {target}")
    exact = fractions.Fraction(target)  # compare exactly: no rounding error decides a tie
    k = min(range(n + 1), key=lambda j: (abs(fractions.Fraction(j, n) - exact), j))
    return k, k / n


#: (n, target, what the case is); ties are exact in binary (n a power of 2).
_ACCURACY_CASES: list[tuple[int, float, str]] = [
    (35, 0.84, "the 35 people of DAIC-WOZ's dev split"),
    (47, 0.84, "the 47 people of DAIC-WOZ's test split"),
    (35, 0.85, "a nearest k above target * n"),
    (2, 0.25, "a tie between 0/2 and 1/2: the smaller k"),
    (2, 0.75, "a tie between 1/2 and 2/2: the smaller k"),
    (8, 0.3125, "a tie between 2/8 and 3/8: the smaller k"),
    (1, 0.4, "one person"),
    (10, 0.0, "a target of 0"),
    (10, 1.0, "a target of 1"),
    (189, 0.84, "all 189 DAIC-WOZ sessions"),
]


@checker
def check_nearest_accuracy(answer: Callable) -> str:
    """Check ``answer(n, target) -> (k, k / n)`` on the official DAIC-WOZ split sizes,
    on ties (the smaller k wins), on targets 0 and 1 and on one person; ``n`` below 1 and
    targets outside [0, 1] must raise ValueError."""
    for n, target, what in _ACCURACY_CASES:
        case = f"n={n}, target={target} ({what})"
        got = call(answer, n, target, case=case)
        if not (isinstance(got, tuple | list) and len(got) == 2):
            raise NotYet(f"{case}: return (k, k / n), got {type(got).__name__}")
        k = solution_nearest_accuracy(n, target)[0]
        if _whole(got[0]) != k:
            raise NotYet(f"{case}: expected k = {k} ({k}/{n} = {k / n:.4f}), got {got[0]!r}")
        if not isinstance(got[1], Real) or not math.isclose(float(got[1]), k / n, abs_tol=1e-12):
            raise NotYet(f"{case}: expected the accuracy k / n = {k / n:.6g}, got {got[1]!r}")
    bad_inputs = [
        ((0, 0.5), "n=0: nobody was tested", "no accuracy exists on 0 people"),
        ((-3, 0.5), "n=-3", "a sample size is at least 1"),
        ((35, 1.2), "target=1.2", "an accuracy is a fraction between 0 and 1"),
        ((35, -0.1), "target=-0.1", "an accuracy is a fraction between 0 and 1"),
        ((35, 84), "target=84 (a percentage)", "pass the fraction 0.84, not the percentage"),
    ]
    for args, case, why in bad_inputs:
        expect_raises(answer, *args, error=ValueError, case=case, why=why)
    return "the nearest k / n on every sample size, ties to the smaller k, bad inputs refused."
