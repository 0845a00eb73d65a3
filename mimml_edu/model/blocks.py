"""The gated BiGRU+CNN block: MIMML's one building block.

*From the abstract*: "a gated structure with bidirectional GRUs and CNNs". The exact
form is *our choice*::

    R = BiGRU(X)                       # (B, K, d_out), d_out/2 per direction
    C = ReLU(Conv1d(X, kernel, same))  # (B, K, d_out)
    G = sigmoid(Linear([R; C]))        # (B, K, d_out)
    F = G * R + (1 - G) * C            # (B, K, d_out)
    out = masked mean of F over turns  # (B, d_out)

Padding and masked turns never reach the GRU: the present turns of each row are moved
to the front (in order) and run as a packed sequence. Masked inputs are zeroed before
the convolution (exactly what "same" zero padding does at the edges), masked outputs
are zeroed, and the pooling averages present turns only.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

BLOCK_KINDS = ("gated", "gru", "cnn")


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over turns where ``mask`` is True.

    Args:
        x: (B, K, d) values.  mask: (B, K) bool.
    Returns:
        (B, d); a row without any present turn gives zeros.
    """
    weights = mask.to(x.dtype).unsqueeze(-1)  # (B, K, 1)
    total = (x * weights).sum(dim=1)  # (B, d)
    count = weights.sum(dim=1).clamp_min(1.0)  # (B, 1)
    return total / count


def gate_mix(r: torch.Tensor, c: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """The gated mix of the two views, ``F = G * R + (1 - G) * C``.

    Args:
        r: (B, K, d) BiGRU view.  c: (B, K, d) CNN view.  g: (B, K, d) gate in [0, 1].
    Returns:
        (B, K, d); G = 1 keeps the BiGRU view, G = 0 the CNN view.
    """
    return g * r + (1 - g) * c


def compact_order(mask: torch.Tensor) -> torch.Tensor:
    """Per row, the turn indices with present turns first (in order), then the rest.

    Args:
        mask: (B, K) bool.
    Returns:
        (B, K) long permutation of ``0..K-1`` for each row.
    """
    k = mask.shape[1]
    position = torch.arange(k, device=mask.device).expand_as(mask)  # (B, K)
    key = position + (~mask).long() * k  # absent turns sort after present ones
    return key.argsort(dim=1)


class MaskedBiGRU(nn.Module):
    """A bidirectional GRU that only ever sees the present turns of each row.

    Args:
        x: (B, K, d_in).  mask: (B, K) bool.
    Returns:
        (B, K, d_out) outputs at the turns' own positions; zeros where masked.
    """

    def __init__(self, *, d_in: int, d_out: int):
        super().__init__()
        if d_out % 2:
            raise ValueError(f"d_out must be even for a BiGRU, got {d_out}")
        self.gru = nn.GRU(d_in, d_out // 2, batch_first=True, bidirectional=True)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Args: x (B, K, d_in), mask (B, K) bool. Returns: (B, K, d_out), zero where masked."""
        k = x.shape[1]
        order = compact_order(mask)  # (B, K)
        x_c = torch.gather(x, 1, order.unsqueeze(-1).expand_as(x))  # (B, K, d_in), present first
        lengths = mask.sum(dim=1)  # (B,)
        packed = pack_padded_sequence(
            x_c, lengths.clamp_min(1).cpu(), batch_first=True, enforce_sorted=False
        )
        out, _ = self.gru(packed)
        r_c, _ = pad_packed_sequence(out, batch_first=True, total_length=k)  # (B, K, d_out)
        r = torch.zeros_like(r_c).scatter(1, order.unsqueeze(-1).expand_as(r_c), r_c)
        return r * mask.unsqueeze(-1).to(r.dtype)  # rows with no turn ran on one zero turn


class GatedBiGRUCNN(nn.Module):
    """Gate between a BiGRU and a CNN view of the same turn sequence.

    Args:
        d_in: input width.  d_out: output width (even).  kernel: odd CNN kernel size.
        kind: ``gated`` (both views and the gate), ``gru`` (BiGRU only) or ``cnn`` (CNN only);
            the last two are the "-gate" ablations.
    """

    def __init__(self, *, d_in: int, d_out: int, kernel: int = 3, kind: str = "gated"):
        super().__init__()
        if kind not in BLOCK_KINDS:
            raise ValueError(f"kind must be one of {BLOCK_KINDS}, got {kind!r}")
        if kernel % 2 == 0:
            raise ValueError(f"kernel must be odd for same padding, got {kernel}")
        self.kind = kind
        self.gru = MaskedBiGRU(d_in=d_in, d_out=d_out) if kind in ("gated", "gru") else None
        self.conv = (
            nn.Conv1d(d_in, d_out, kernel, padding=kernel // 2)
            if kind in ("gated", "cnn")
            else None
        )
        self.gate = nn.Linear(2 * d_out, d_out) if kind == "gated" else None

    def sequence(
        self, x: torch.Tensor, mask: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The per-turn output and the gate.

        Args:
            x: (B, K, d_in) turn features.  mask: (B, K) True where a turn exists.
        Returns:
            F (B, K, d_out), zero where masked; G (B, K, d_out) or None without a gate.
        """
        keep = mask.unsqueeze(-1).to(x.dtype)  # (B, K, 1)
        x = x * keep
        r = self.gru(x, mask) if self.gru is not None else None
        c = None
        if self.conv is not None:
            c = torch.relu(self.conv(x.transpose(1, 2))).transpose(1, 2)  # (B, K, d_out)
            c = c * keep
        if self.gate is None:
            return (r if r is not None else c), None
        g = torch.sigmoid(self.gate(torch.cat([r, c], dim=-1)))  # (B, K, d_out)
        f = gate_mix(r, c, g) * keep
        return f, g

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Args: x (B, K, d_in), mask (B, K) bool. Returns: (B, d_out), pooled over turns."""
        f, _ = self.sequence(x, mask)
        return masked_mean(f, mask)


@contextmanager
def record_gate(block: GatedBiGRUCNN) -> Iterator[dict[str, torch.Tensor]]:
    """Record the gate a block uses, through forward hooks (no re-run of its internals).

    Inside the ``with`` body, every call of ``block(x, mask)`` stores what the block used:
    ``"mask"`` (B, K), the turn mask it was given, and ``"gate"`` (B, K, d_out), the gate
    ``G`` it computed (the sigmoid of its gate layer's output, as in :meth:`sequence`).

    Yields:
        the dict that the hooks fill (the last forward pass wins).
    Raises:
        ValueError: the block has no gate (``kind`` is ``gru`` or ``cnn``).
    """
    if block.gate is None:
        raise ValueError(f"a {block.kind!r} block has no gate (kind must be 'gated')")
    record: dict[str, torch.Tensor] = {}

    def keep_mask(module: nn.Module, args: tuple) -> None:
        record["mask"] = args[1].detach()

    def keep_gate(module: nn.Module, args: tuple, out: torch.Tensor) -> None:
        record["gate"] = torch.sigmoid(out).detach()

    handles = [
        block.register_forward_pre_hook(keep_mask),
        block.gate.register_forward_hook(keep_gate),
    ]
    try:
        yield record
    finally:
        for handle in handles:
            handle.remove()
