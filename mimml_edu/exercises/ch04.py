"""Chapter 04 (encoders): the masked mean over turns, and the gate's mix of two views.

- :func:`check_masked_mean`: ``my_masked_mean(x, mask)``, against
  :func:`mimml_edu.model.blocks.masked_mean`.
- :func:`check_gate_combine`: ``my_gate_combine(r, c, g)``, against
  :func:`mimml_edu.model.blocks.gate_mix`.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from mimml_edu.exercises.checking import call, checker, expect_close, expect_rows
from mimml_edu.model.blocks import gate_mix, masked_mean


def solution_masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``x (B, K, d)`` over the turns where ``mask (B, K)`` is True; ``(B, d)``,
    zeros for a window without any turn."""
    keep = mask.unsqueeze(-1).to(x.dtype)  # (B, K, 1)
    return (x * keep).sum(dim=1) / keep.sum(dim=1).clamp_min(1.0)


@checker
def check_masked_mean(answer: Callable) -> str:
    """Check ``answer(x (B, K, d), mask (B, K) bool) -> (B, d)`` on windows with no turn,
    all turns, a single turn, and huge values in the masked turns."""
    gen = torch.Generator().manual_seed(4)
    x = torch.randn(5, 7, 3, generator=gen)
    mask = torch.rand(5, 7, generator=gen) > 0.4
    mask[0] = False  # a window with no turn at all
    mask[1] = True
    mask[2] = False
    mask[2, 3] = True  # one turn
    rows = ["window 0 (no turn)", "window 1 (all 7 turns)", "window 2 (only turn 3)"]
    rows += [f"window {i} ({int(mask[i].sum())} of 7 turns)" for i in (3, 4)]
    garbage = torch.where(mask.unsqueeze(-1), x, torch.full_like(x, 1e6))
    cases = [("random turns", x), ("huge values (1e6) in the masked turns", garbage)]
    for name, values in cases:
        got = call(answer, values, mask, case=name)
        expect_rows(got, masked_mean(values, mask), name, rows)
    return "present turns only, padding ignored, and 0 for a window without turns."


def solution_gate_combine(r: torch.Tensor, c: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """``F = G * R + (1 - G) * C`` (all (B, K, d)): G = 1 keeps the BiGRU view R."""
    return g * r + (1 - g) * c


@checker
def check_gate_combine(answer: Callable) -> str:
    """Check ``answer(r, c, g)`` (all (B, K, d)): the gate G mixes the BiGRU view R and
    the CNN view C per turn and channel; G = 1 gives R, G = 0 gives C."""
    gen = torch.Generator().manual_seed(5)
    r, c = torch.randn(2, 4, 6, generator=gen), torch.randn(2, 4, 6, generator=gen)
    g = torch.rand(2, 4, 6, generator=gen)
    half = torch.zeros_like(g)
    half[..., :3] = 1.0  # the first 3 channels take R, the others C
    cases = [
        ("G = 1 everywhere (the output must be the BiGRU view R)", torch.ones_like(g)),
        ("G = 0 everywhere (the output must be the CNN view C)", torch.zeros_like(g)),
        ("G = 1 in channels 0-2 and 0 in channels 3-5", half),
        ("a random gate in [0, 1]", g),
    ]
    for name, gate in cases:
        expect_close(call(answer, r, c, gate, case=name), gate_mix(r, c, gate), name)
    return "G * R + (1 - G) * C, per turn and channel."
