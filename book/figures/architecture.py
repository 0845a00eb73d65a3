"""Draw the MIMML architecture figure used by the README and the book.

.venv/bin/python book/figures/architecture.py   # writes book/figures/mimml_architecture.png
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

COLOURS = {"text": "#4C72B0", "audio": "#DD8452", "video": "#55A868", "fusion": "#8172B3"}


def box(ax, x, y, w, h, text, colour, *, alpha=0.18, fontsize=9):
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.06",
            linewidth=1.2,
            edgecolor=colour,
            facecolor=colour,
            alpha=alpha,
        )
    )
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.06",
            linewidth=1.2,
            edgecolor=colour,
            facecolor="none",
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def arrow(ax, start, end, colour="#444444", style="-|>", ls="-"):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=10,
            color=colour,
            linewidth=1.1,
            linestyle=ls,
            shrinkA=2,
            shrinkB=2,
        )
    )


def draw() -> plt.Figure:
    fig, ax = plt.subplots(figsize=(11, 5.2))
    ax.set_xlim(0, 11)
    ax.set_ylim(0, 5.2)
    ax.axis("off")
    rows = {"text": 4.3, "audio": 2.6, "video": 0.9}
    for modality, y in rows.items():
        c = COLOURS[modality]
        box(ax, 0.9, y, 1.5, 0.7, f"{modality}\n(B, K, d_{modality[0]})", c)
        box(ax, 2.75, y, 1.5, 0.7, "projection\nLinear+LN", c)
        box(ax, 4.7, y, 1.7, 0.7, "gated\nBiGRU+CNN", c)
        box(ax, 6.55, y, 0.9, 0.6, f"h_{modality[0]}", c)
        box(ax, 9.9, y, 1.6, 0.6, f"unimodal head\nŷ_{modality[0]} (Self-MM)", c, fontsize=8)
        arrow(ax, (1.65, y), (2.0, y))
        arrow(ax, (3.5, y), (3.85, y))
        arrow(ax, (5.55, y), (6.1, y))
        arrow(ax, (7.0, y), (9.1, y), colour=c)
    c = COLOURS["fusion"]
    fy = 3.45
    box(
        ax,
        8.0,
        fy,
        1.5,
        0.8,
        "fusion: gated block over\nconcatenated turns\n+ SubNet → z",
        c,
        fontsize=8,
    )
    for y in rows.values():
        arrow(ax, (7.0, y), (7.25, fy - 0.2 + (y - 2.6) * 0.1), colour=c)
    box(ax, 9.9, fy, 1.6, 0.5, "logits, PHQ-8", c, fontsize=8)
    arrow(ax, (8.75, fy), (9.1, fy), colour=c)
    ax.text(
        8.0,
        4.95,
        "CPC: I(z; h_m) for each m\n(modality invariance, MMIM)",
        ha="center",
        fontsize=8,
        color=c,
    )
    ax.text(5.55, 3.45, "BA bound\nI(h_t; h_a)", ha="center", fontsize=8, color="#333333")
    ax.text(5.55, 1.75, "BA bound\nI(h_t; h_v)", ha="center", fontsize=8, color="#333333")
    arrow(ax, (6.55, 3.95), (6.55, 2.95), colour="#333333", style="<|-|>", ls="--")
    ax.add_patch(
        FancyArrowPatch(
            (6.1, 4.2),
            (6.1, 1.0),
            arrowstyle="<|-|>",
            mutation_scale=10,
            color="#333333",
            linestyle="--",
            connectionstyle="arc3,rad=0.35",
        )
    )
    ax.set_title(
        "MIMML as reconstructed in mimml-edu: per-turn text, audio and video windows "
        "→ unimodal and fused representations → heads and MI terms",
        fontsize=10,
    )
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    out = Path(__file__).with_name("mimml_architecture.png")
    draw().savefig(out, dpi=110)
    print(out)
