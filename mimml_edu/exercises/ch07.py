"""Chapter 07 (multi-task): Self-MM's generated label and its momentum update.

- :func:`check_generated_label`: ``my_generated_label(delta_s, delta_m, y_m, clamp)``,
  against :func:`mimml_edu.objectives.multitask.generate_labels`.
- :func:`check_momentum`: ``my_momentum(old, new, epoch)``, against
  :func:`mimml_edu.objectives.multitask.momentum_update`.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from mimml_edu.exercises.checking import call, checker, expect_close
from mimml_edu.objectives.multitask import EPS, generate_labels, momentum_update


def solution_generated_label(
    delta_s: torch.Tensor, delta_m: torch.Tensor, y_m: torch.Tensor, clamp: float
) -> torch.Tensor:
    """Self-MM's ``1/2 (d_s / d_m) y_m + 1/2 (y_m + d_s - d_m)``, clamped to ``[-H, H]``;
    the division is by ``d_m + 1e-8``, and where that is still undefined the label is y_m."""
    ratio = delta_s / (delta_m + 1e-8)
    label = 0.5 * ratio * y_m + 0.5 * (y_m + delta_s - delta_m)
    label = torch.where(torch.isnan(label), y_m, label)  # 0/0 and inf * 0
    return label.clamp(-clamp, clamp)


@checker
def check_generated_label(answer: Callable) -> str:
    """Check ``answer(delta_s, delta_m, y_m, clamp)`` (all (B,) but clamp) on random
    closeness values, ``delta_s = delta_m``, a zero denominator (``delta_m = 0``, with
    ``y_m = 0`` too, and ``delta_m + 1e-8 = 0``), negative ``delta_m`` and labels beyond
    the clamp."""
    gen = torch.Generator().manual_seed(8)
    ds, dm = torch.randn(50, generator=gen), torch.rand(50, generator=gen) + 0.2
    y = torch.randn(50, generator=gen) * 1.5
    zero = torch.zeros(4)
    cases = [
        ("random delta_s, delta_m between 0.2 and 1.2", ds, dm, y, 3.1),
        ("delta_s = delta_m (the label must stay y_m)", dm, dm, y, 3.1),
        ("negative delta_m (fusion closer to the other class)", ds, -dm, y, 3.1),
        ("labels beyond the clamp H = 1", ds, dm, y * 3, 1.0),
        (
            "delta_m = 0 (zero denominator), with y_m = 0 in entries 2 and 3",
            torch.tensor([0.5, -0.4, 0.5, -0.4]),
            zero,
            torch.tensor([1.0, -2.0, 0.0, 0.0]),
            3.1,
        ),
        ("delta_s = delta_m = 0 (0 / 0)", zero, zero, torch.tensor([1.0, -2.0, 0.5, 0.0]), 3.1),
        (
            "delta_m = -1e-8 (delta_m + 1e-8 is exactly 0), delta_s = 0",
            zero,
            torch.full((4,), -EPS),
            torch.tensor([1.0, -2.0, 0.5, 0.0]),
            3.1,
        ),
    ]
    for case, s, m, ym, h in cases:
        got = call(answer, s, m, ym, h, case=case)
        expect_close(got, generate_labels(s, m, ym, clamp=h), case)
    return f"your labels match the package's in {len(cases)} cases, zero denominators included."


def solution_momentum(old: torch.Tensor, new: torch.Tensor, epoch: int) -> torch.Tensor:
    """Self-MM's label update at epoch n >= 2: ``(n-1)/(n+1) old + 2/(n+1) new``."""
    return (epoch - 1) / (epoch + 1) * old + 2 / (epoch + 1) * new


@checker
def check_momentum(answer: Callable) -> str:
    """Check ``answer(old, new, epoch) -> (B,)`` at epochs 2, 3, 10 and 50: the newest
    label weighs 2/(n+1), the stored one (n-1)/(n+1)."""
    gen = torch.Generator().manual_seed(9)
    old, new = torch.randn(6, generator=gen), torch.randn(6, generator=gen)
    for n in (2, 3, 10, 50):
        case = f"epoch {n}"
        expect_close(
            call(answer, old, new, n, case=case), momentum_update(old, new, epoch=n), case
        )
    return "(n-1)/(n+1) of the old label and 2/(n+1) of the new one, at every epoch."
