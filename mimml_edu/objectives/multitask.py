"""Self-MM's unimodal label generation (ULGM), adapted to the PHQ-8 score.

*From Self-MM* (Yu et al., AAAI 2021; thuiar/Self-MM), with the fusion label
``y_m = (PHQ8 - 9.5) / 4.75`` (positive = depressed) in place of the sentiment score:

- a feature bank keeps every training window's unimodal features ``F_s`` (= ``h_s``) and
  fusion features ``F_m`` (= ``z``), from the last time the window was seen;
- class centres ``C+`` / ``C-`` are the bank means over windows with ``y_m > 0`` / ``< 0``;
- with ``d_p = ||F - C+||``, ``d_n = ||F - C-||``, ``delta = (d_n - d_p) / (d_p + eps)``
  for the modality (``delta_s``) and the fusion (``delta_m``), the generated label is
  ``y_hat_s = 1/2 (delta_s / delta_m) y_m + 1/2 (y_m + delta_s - delta_m)``, clamped
  to ``[-H, H]``;
- labels start at ``y_s = y_m`` and, from epoch n = 2 on, move by momentum each time a
  window is seen (once per epoch): ``y_s <- (n-1)/(n+1) y_s + 2/(n+1) y_hat_s``;
- the unimodal loss weights each window by ``tanh(|y_s - y_m|)``:
  ``L_uni = sum_s mean |pred_s - y_s| * tanh(|y_s - y_m|)``.

Where ``delta_s / delta_m`` is undefined (0/0), the generated label falls back to ``y_m``
(*our guard*; Self-MM's ``eps`` alone can give NaN there). Windows where a modality is
absent keep their label for that modality.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from mimml_edu.data.batch import scale_phq

EPS = 1e-8


def delta(features: torch.Tensor, pos: torch.Tensor, neg: torch.Tensor) -> torch.Tensor:
    """``(||F - C-|| - ||F - C+||) / (||F - C+|| + eps)``.

    Args:
        features: (B, d).  pos, neg: (d,) class centres.
    Returns:
        (B,) relative closeness to the positive centre.
    """
    d_p = torch.linalg.vector_norm(features - pos, dim=-1)
    d_n = torch.linalg.vector_norm(features - neg, dim=-1)
    return (d_n - d_p) / (d_p + EPS)


def generate_labels(
    delta_s: torch.Tensor, delta_m: torch.Tensor, y_m: torch.Tensor, *, clamp: float
) -> torch.Tensor:
    """Self-MM's label formula.

    Args:
        delta_s, delta_m, y_m: (B,).  clamp: H.
    Returns:
        (B,) ``clamp(1/2 (delta_s/delta_m) y_m + 1/2 (y_m + delta_s - delta_m), -H, H)``;
        ``y_m`` where the ratio is undefined.
    """
    ratio = delta_s / (delta_m + EPS)
    label = 0.5 * ratio * y_m + 0.5 * (y_m + delta_s - delta_m)
    label = torch.where(torch.isnan(label), y_m, label)
    return label.clamp(-clamp, clamp)


def momentum_update(old: torch.Tensor, new: torch.Tensor, *, epoch: int) -> torch.Tensor:
    """Self-MM's label update at epoch ``n >= 2``: ``(n-1)/(n+1) old + 2/(n+1) new``.

    Args:
        old, new: (B,) the stored and the newly generated labels.  epoch: 1-based n.
    Returns:
        (B,) the moved labels.
    """
    return (epoch - 1) / (epoch + 1) * old + 2 / (epoch + 1) * new


class UnimodalLabels:
    """The label bank of ULGM for a fixed list of training windows.

    Args:
        keys: one ``(session_id, start)`` per training window (the bank's rows).
        phq: (N,) PHQ-8 score of each window's session (must be known).
        modalities: the modalities with unimodal heads.
        d_h, d_z: widths of h and z.  clamp: H of the label formula.
    """

    def __init__(
        self,
        *,
        keys: Sequence[tuple[str, int]],
        phq: torch.Tensor,
        modalities: Sequence[str],
        d_h: int,
        d_z: int,
        clamp: float = 3.1,
    ):
        phq = torch.as_tensor(phq, dtype=torch.float32)
        if len(keys) != len(phq):
            raise ValueError(f"{len(keys)} window keys but {len(phq)} PHQ-8 scores")
        if torch.isnan(phq).any():
            sid = keys[int(torch.isnan(phq).nonzero()[0])][0]
            raise ValueError(
                f"unimodal label generation needs the PHQ-8 score of every training window; "
                f"session {sid} has none (turn multitask off or drop the session)"
            )
        self.y_m = scale_phq(phq)
        if not (self.y_m > 0).any() or not (self.y_m < 0).any():
            raise ValueError(
                "unimodal label generation needs depressed and non-depressed training "
                "sessions (class centres); the training set has one class only"
            )
        self.index = {(str(s), int(t)): i for i, (s, t) in enumerate(keys)}
        if len(self.index) != len(keys):
            raise ValueError("window keys (session_id, start) must be unique")
        self.modalities = tuple(modalities)
        self.clamp = clamp
        n = len(keys)
        self.labels = {m: self.y_m.clone() for m in self.modalities}
        self.bank = {m: torch.zeros(n, d_h) for m in self.modalities}
        self.bank["fusion"] = torch.zeros(n, d_z)

    def rows(self, session_ids: Sequence[str], starts: torch.Tensor) -> torch.Tensor:
        """(B,) bank rows of a batch's windows; a window not in the bank raises KeyError."""
        try:
            return torch.tensor(
                [
                    self.index[(str(s), int(t))]
                    for s, t in zip(session_ids, starts.tolist(), strict=True)
                ]
            )
        except KeyError as err:
            raise KeyError(f"window {err.args[0]} is not a training window of this bank") from None

    def centres(self, name: str) -> tuple[torch.Tensor, torch.Tensor]:
        """Positive and negative class centre (d,) of ``name`` (a modality or ``fusion``)."""
        bank = self.bank[name]
        return bank[self.y_m > 0].mean(0), bank[self.y_m < 0].mean(0)

    def targets(
        self, rows: torch.Tensor
    ) -> tuple[dict[str, torch.Tensor], dict[str, torch.Tensor]]:
        """modality -> (B,) labels, and modality -> (B,) weights ``tanh(abs(y_s - y_m))``."""
        y_m = self.y_m[rows]
        labels = {m: self.labels[m][rows] for m in self.modalities}
        return labels, {m: torch.tanh((labels[m] - y_m).abs()) for m in self.modalities}

    @torch.no_grad()
    def update(
        self,
        rows: torch.Tensor,
        h: dict[str, torch.Tensor],
        z: torch.Tensor,
        present: dict[str, torch.Tensor],
        *,
        epoch: int,
    ) -> None:
        """After a batch's backward: move its labels (epoch >= 2), then store its features.

        Args:
            rows: (B,) bank rows.  h: modality -> (B, d_h).  z: (B, d_z).
            present: modality -> (B,) bool.  epoch: 1-based epoch number n.
        """
        h = {m: h[m].detach().float().cpu() for m in self.modalities}
        z = z.detach().float().cpu()
        present = {m: present[m].cpu() for m in self.modalities}
        if epoch >= 2:
            y_m = self.y_m[rows]
            delta_m = delta(z, *self.centres("fusion"))
            for m in self.modalities:
                new = generate_labels(
                    delta(h[m], *self.centres(m)), delta_m, y_m, clamp=self.clamp
                )
                old = self.labels[m][rows]
                moved = momentum_update(old, new, epoch=epoch)
                self.labels[m][rows] = torch.where(present[m], moved, old)
        for m in self.modalities:
            keep = present[m]
            self.bank[m][rows[keep]] = h[m][keep]
        self.bank["fusion"][rows] = z

    def state_dict(self) -> dict:
        return {
            "labels": {m: t.clone() for m, t in self.labels.items()},
            "bank": {m: t.clone() for m, t in self.bank.items()},
        }

    def load_state_dict(self, state: dict) -> None:
        for m in self.modalities:
            self.labels[m] = state["labels"][m].clone()
        self.bank = {m: t.clone() for m, t in state["bank"].items()}


def unimodal_loss(
    pred: dict[str, torch.Tensor],
    labels: dict[str, torch.Tensor],
    weights: dict[str, torch.Tensor],
    present: dict[str, torch.Tensor],
) -> torch.Tensor:
    """``sum_s mean_i |pred_s - y_s| * tanh(|y_s - y_m|)`` over windows where s is present.

    Args:
        pred, labels, weights, present: modality -> (B,).
    Returns:
        scalar (0 when no modality is present anywhere).
    """
    total = None
    for m, p in pred.items():
        keep = present[m]
        term = ((p - labels[m].to(p)).abs() * weights[m].to(p))[keep]
        term = term.mean() if term.numel() else p.sum() * 0.0
        total = term if total is None else total + term
    return total if total is not None else torch.zeros(())
