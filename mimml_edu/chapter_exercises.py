"""Checkers (and reference solutions) for the code exercises of chapters 04, 06, 07 and 08.

Each ``check_*`` takes the reader's function, runs it on several inputs (edge cases
included) against the package's own implementation and returns True, or raises an
``AssertionError`` that says what differed. Each ``solution_*`` is a reference answer;
the chapters call the checker on it so that the exercise cell runs.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

_Fn = Callable[..., torch.Tensor]


def _close(got: torch.Tensor, want: torch.Tensor, what: str, atol: float = 1e-5) -> None:
    got = torch.as_tensor(got)
    if got.shape != want.shape:
        raise AssertionError(f"{what}: shape {tuple(got.shape)}, expected {tuple(want.shape)}")
    if not torch.allclose(got.float(), want.float(), atol=atol, rtol=1e-4):
        diff = (got.float() - want.float()).abs().max().item()
        raise AssertionError(f"{what}: values differ from the package's (max |diff| {diff:.3g})")


# ---------------------------------------------------------------- chapter 04: encoders
def solution_masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean of ``x (B, K, d)`` over the turns where ``mask (B, K)`` is True; 0 for none."""
    keep = mask.unsqueeze(-1).to(x.dtype)
    return (x * keep).sum(1) / keep.sum(1).clamp_min(1.0)


def check_masked_mean(fn: _Fn) -> bool:
    """Compare ``fn(x, mask)`` with :func:`mimml_edu.model.masked_mean`, incl. empty rows
    and huge values in the padding (which must not change the result)."""
    from mimml_edu.model import masked_mean

    gen = torch.Generator().manual_seed(4)
    x = torch.randn(5, 7, 3, generator=gen)
    mask = torch.rand(5, 7, generator=gen) > 0.4
    mask[0] = False  # a window with no turn at all
    mask[1] = True
    _close(fn(x, mask), masked_mean(x, mask), "masked mean")
    garbage = torch.where(mask.unsqueeze(-1), x, torch.full_like(x, 1e6))
    _close(fn(garbage, mask), masked_mean(x, mask), "masked mean with garbage padding")
    return True


def solution_gate_combine(r: torch.Tensor, c: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """``F = G * R + (1 - G) * C`` (all (B, K, d))."""
    return g * r + (1 - g) * c


def check_gate_combine(fn: _Fn) -> bool:
    """``fn(r, c, g)`` must mix the BiGRU view R and the CNN view C with the gate G."""
    gen = torch.Generator().manual_seed(5)
    r, c = torch.randn(2, 4, 6, generator=gen), torch.randn(2, 4, 6, generator=gen)
    g = torch.rand(2, 4, 6, generator=gen)
    _close(fn(r, c, g), g * r + (1 - g) * c, "gate combination")
    _close(fn(r, c, torch.ones_like(g)), r, "with G = 1 the output must be the BiGRU view")
    _close(fn(r, c, torch.zeros_like(g)), c, "with G = 0 the output must be the CNN view")
    return True


# ---------------------------------------------------------------- chapter 06: MI for fusion
def solution_cpc(h: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
    """MMIM's CPC loss between ``h (B, d)`` and the prediction ``p = G(z) (B, d)``."""
    h = torch.nn.functional.normalize(h, dim=-1)
    p = torch.nn.functional.normalize(p, dim=-1)
    s = h @ p.T  # (B, B), positives on the diagonal
    return -(s.diag() - torch.logsumexp(s, dim=1)).mean()


def check_cpc(fn: _Fn) -> bool:
    """``fn(h, p)`` must equal :func:`mimml_edu.objectives.mimml_loss.cpc_term` with
    ``p = G(z)`` (an identity predictor here)."""
    from mimml_edu.objectives.mimml_loss import cpc_term

    gen = torch.Generator().manual_seed(6)
    for b in (2, 8, 32):
        h, z = torch.randn(b, 5, generator=gen), torch.randn(b, 5, generator=gen)
        _close(fn(h, z), cpc_term(h, z, torch.nn.Identity()), f"CPC loss (batch {b})")
    return True


def solution_gaussian_log_prob(
    y: torch.Tensor, mean: torch.Tensor, logvar: torch.Tensor
) -> torch.Tensor:
    """``log N(y; mean, diag exp(logvar))`` summed over the last dimension, (B, d) -> (B,)."""
    log_2pi = torch.log(torch.tensor(2 * torch.pi))
    return -0.5 * (((y - mean) ** 2) / logvar.exp() + logvar + log_2pi).sum(-1)


def check_gaussian_log_prob(fn: _Fn) -> bool:
    """``fn(y, mean, logvar)`` must be the full Gaussian log-density (with ``-1/2 logvar``)."""
    from mimml_edu.objectives.mi import gaussian_log_prob

    gen = torch.Generator().manual_seed(7)
    y, mean = torch.randn(6, 4, generator=gen), torch.randn(6, 4, generator=gen)
    for scale in (0.0, 2.0, -3.0):
        logvar = torch.randn(6, 4, generator=gen) + scale
        _close(fn(y, mean, logvar), gaussian_log_prob(y, mean, logvar), "log-density")
    return True


# ---------------------------------------------------------------- chapter 07: multi-task
def solution_generated_label(
    delta_s: torch.Tensor, delta_m: torch.Tensor, y_m: torch.Tensor, clamp: float
) -> torch.Tensor:
    """Self-MM's label ``1/2 (d_s/d_m) y_m + 1/2 (y_m + d_s - d_m)``, clamped to [-H, H]."""
    ratio = delta_s / (delta_m + 1e-8)
    label = 0.5 * ratio * y_m + 0.5 * (y_m + delta_s - delta_m)
    label = torch.where(torch.isnan(label), y_m, label)
    return label.clamp(-clamp, clamp)


def check_generated_label(fn: _Fn) -> bool:
    """``fn(delta_s, delta_m, y_m, clamp)`` against
    :func:`mimml_edu.objectives.multitask.generate_labels`."""
    from mimml_edu.objectives.multitask import generate_labels

    gen = torch.Generator().manual_seed(8)
    ds, dm = torch.randn(50, generator=gen), torch.rand(50, generator=gen) + 0.2
    y = torch.randn(50, generator=gen) * 1.5
    _close(fn(ds, dm, y, 3.1), generate_labels(ds, dm, y, clamp=3.1), "generated labels")
    same = fn(dm, dm, y, 3.1)
    _close(same, y.clamp(-3.1, 3.1), "when delta_s = delta_m the label must equal y_m")
    return True


def solution_momentum(old: torch.Tensor, new: torch.Tensor, epoch: int) -> torch.Tensor:
    """Self-MM's label update at epoch n >= 2: ``(n-1)/(n+1) old + 2/(n+1) new``."""
    return (epoch - 1) / (epoch + 1) * old + 2 / (epoch + 1) * new


def check_momentum(fn: Callable[[torch.Tensor, torch.Tensor, int], torch.Tensor]) -> bool:
    """``fn(old, new, epoch)`` must be Self-MM's momentum update (n >= 2)."""
    old, new = torch.tensor([1.0, -2.0, 0.5]), torch.tensor([0.0, 1.0, 0.5])
    for n in (2, 3, 10):
        want = (n - 1) / (n + 1) * old + 2 / (n + 1) * new
        _close(fn(old, new, n), want, f"momentum update at epoch {n}")
    return True


# ---------------------------------------------------------------- chapter 08: MIMML
def solution_class_weights(labels: torch.Tensor) -> torch.Tensor:
    """Inverse-frequency weights ``N / (2 N_c)`` over the known labels (-1 = unknown)."""
    known = labels[labels >= 0]
    counts = torch.bincount(known, minlength=2).float()
    return counts.sum() / (2 * counts)


def check_class_weights(fn: _Fn) -> bool:
    """``fn(labels)`` against :func:`~mimml_edu.objectives.mimml_loss.class_weights`
    (unknown labels = -1)."""
    from mimml_edu.objectives.mimml_loss import class_weights

    for labels in ([0, 0, 0, 1], [1, 0, -1, 1, 0, 0, 0], [0, 1]):
        t = torch.tensor(labels)
        _close(fn(t), class_weights(t), f"class weights of {labels}")
    return True


def solution_session_probability(
    window_prob: torch.Tensor, session_ids: list[str]
) -> dict[str, float]:
    """A session's P(depressed) is the mean over its windows."""
    out: dict[str, list[float]] = {}
    for p, sid in zip(window_prob.tolist(), session_ids, strict=True):
        out.setdefault(sid, []).append(p)
    return {sid: sum(v) / len(v) for sid, v in out.items()}


def check_session_probability(fn: Callable[[torch.Tensor, list[str]], dict]) -> bool:
    """``fn(window_prob, session_ids) -> {session_id: prob}`` against
    :func:`mimml_edu.evaluate.to_sessions`."""
    import numpy as np

    from mimml_edu.evaluate import Predictions, to_sessions

    prob = torch.tensor([0.9, 0.7, 0.2, 0.4, 0.6, 0.1])
    ids = ["a", "a", "b", "c", "c", "c"]
    n = len(ids)
    ref = to_sessions(
        Predictions(ids, prob.numpy(), np.zeros(n), np.zeros(n, int), np.zeros(n), np.zeros(n))
    )
    got = fn(prob, ids)
    if set(got) != set(ref.session_id):
        raise AssertionError(f"sessions {sorted(got)}, expected {ref.session_id}")
    for sid, p in zip(ref.session_id, ref.prob, strict=True):
        if abs(float(got[sid]) - float(p)) > 1e-6:
            raise AssertionError(f"session {sid}: {got[sid]}, expected {p:.4f}")
    return True
