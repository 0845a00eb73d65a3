"""Checkers for the code exercises of chapter 05. Each prints a verdict and returns it.

A checker calls the reader's function on random, seeded inputs and compares with the
package's own implementation; it never raises for a wrong answer (it says what differs).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch

from mimml_edu.mi_lab.gaussian import mi_to_rho
from mimml_edu.objectives import mi

__all__ = ["check_infonce", "check_mi_to_rho", "check_nwj"]


def _verdict(ok: bool, name: str, detail: str) -> bool:
    print(f"✅ {name}: correct." if ok else f"❌ {name}: {detail}")
    return ok


def _check_scores_fn(fn: Callable, reference: Callable, name: str) -> bool:
    g = torch.Generator().manual_seed(2025)
    for b in (2, 7, 64):
        for scale in (0.5, 5.0):
            scores = torch.randn(b, b, generator=g) * scale + torch.eye(b) * scale
            try:
                got = fn(scores.clone())
            except Exception as err:  # the reader's code may raise anything
                return _verdict(False, name, f"raised {type(err).__name__}: {err} (B={b})")
            if not isinstance(got, torch.Tensor) or got.numel() != 1:
                return _verdict(False, name, f"return a scalar tensor, got {type(got).__name__}")
            want = reference(scores)
            if not torch.allclose(got.double().reshape(()), want.double(), atol=1e-4, rtol=1e-4):
                return _verdict(
                    False,
                    name,
                    f"B={b}, scale={scale}: got {float(got):.5f}, expected {float(want):.5f}",
                )
    return _verdict(True, name, "")


def check_infonce(fn: Callable[[torch.Tensor], torch.Tensor]) -> bool:
    """Check an InfoNCE implementation: (B, B) scores (diagonal = positives) -> scalar.

    Hint: mean over rows of (positive score − logsumexp of the row), plus log B.
    """
    return _check_scores_fn(fn, mi.infonce, "InfoNCE")


def check_nwj(fn: Callable[[torch.Tensor], torch.Tensor]) -> bool:
    """Check an NWJ implementation: mean of the diagonal − e^{−1}·mean of exp(off-diagonal).

    Hint: the off-diagonal entries are the B·(B−1) entries with i ≠ j.
    """
    return _check_scores_fn(fn, mi.nwj, "NWJ")


def check_mi_to_rho(fn: Callable[[float, int], float]) -> bool:
    """Check ``fn(mi, dim) -> rho``, the inverse of I = −d/2·log(1 − ρ²)."""
    for value, dim in ((0.0, 1), (2.0, 20), (10.0, 20), (0.3, 3), (5.0, 1)):
        try:
            got = float(fn(value, dim))
        except Exception as err:
            return _verdict(False, "mi_to_rho", f"raised {type(err).__name__}: {err}")
        want = mi_to_rho(value, dim)
        if not math.isclose(got, want, rel_tol=1e-6, abs_tol=1e-9):
            return _verdict(False, "mi_to_rho", f"mi={value}, d={dim}: got {got}, want {want}")
    return _verdict(True, "mi_to_rho", "")
