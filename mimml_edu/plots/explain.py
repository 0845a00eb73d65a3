"""Pictures of the numbers in :mod:`mimml_edu.explain` (chapter 09): which modality, which
turn, which feature, how faithful, and the explorer's static twin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure

from mimml_edu.data.batch import MODALITIES
from mimml_edu.plots.style import CLASS_COLORS, MODALITY_COLORS, new_figure

if TYPE_CHECKING:
    from mimml_edu.data.batch import Session
    from mimml_edu.explain import Curves, ModalityShapley, TurnAttribution


def plot_modality_contributions(
    shapley: ModalityShapley | Sequence[ModalityShapley], *, title: str | None = None
) -> Figure:
    """Bars of each modality's Shapley value, one group per session.

    Args:
        shapley: one or several :class:`~mimml_edu.explain.ModalityShapley`.
        title: figure title (default: the target and, for one session, F(all) and F(none)).
    Returns:
        the Figure.
    """
    items = [shapley] if not isinstance(shapley, Sequence) else list(shapley)
    if not items:
        raise ValueError("no Shapley values to plot")
    fig = new_figure(max(4.0, 1.2 * len(items) + 2), 3.2)
    ax = fig.add_subplot()
    width = 0.8 / 3
    x = np.arange(len(items))
    for j, m in enumerate(MODALITIES):
        vals = [s.shapley[m] for s in items]
        ax.bar(x + (j - 1) * width, vals, width, label=m, color=MODALITY_COLORS[m])
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, [s.session_id for s in items])
    ax.set_ylabel(f"Shapley value ({items[0].target})")
    ax.legend(frameon=False, ncols=3)
    if title is None:
        title = "Which modality? exact Shapley values"
        if len(items) == 1:
            s = items[0]
            title += f"\nF(all) = {s.full:+.2f}, F(none) = {s.empty:+.2f}"
    ax.set_title(title)
    return fig


def _snippet(session: Session, turn: int, max_chars: int) -> str:
    text = session.turn_text[turn] if session.turn_text else ""
    text = text if len(text) <= max_chars else text[: max_chars - 1] + "…"
    return f"{turn:>3} {text}"


def plot_turn_heatmap(
    attribution: TurnAttribution,
    session: Session,
    *,
    signal_turns: np.ndarray | None = None,
    turns: slice | None = None,
    max_chars: int = 42,
) -> Figure:
    """Turn x modality heatmap of attributions, with transcript snippets.

    Args:
        attribution: IG result (``turns`` per modality) or occlusion (one total column).
        session: the session (for the transcript).  signal_turns: (n_turns,) bool; marks
            the true signal turns with ``*`` when given.  turns: the rows to show.
        max_chars: snippet length.
    Returns:
        the Figure (red pushes the output up, blue down; masked turns are blank).
    """
    cols = ["total"]
    data = attribution.turn_total[:, None]
    if attribution.turns is not None:
        cols = [*MODALITIES, "total"]
        data = np.concatenate([attribution.turns, data], axis=1)
    rows = np.arange(session.n_turns)[turns if turns is not None else slice(None)]
    data = np.where(attribution.present[rows, None], data[rows], np.nan)
    fig = new_figure(1.2 * len(cols) + 4.2, 0.17 * len(rows) + 1.4)
    ax = fig.add_subplot()
    lim = float(np.nanmax(np.abs(data))) if np.isfinite(data).any() else 1.0
    image = ax.imshow(data, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim)
    labels = []
    for t in rows:
        mark = "* " if signal_turns is not None and signal_turns[t] else "  "
        labels.append(mark + _snippet(session, int(t), max_chars))
    ax.set_yticks(np.arange(len(rows)), labels, fontsize=6, family="monospace")
    ax.set_xticks(np.arange(len(cols)), cols)
    ax.xaxis.tick_top()
    fig.colorbar(image, ax=ax, shrink=0.6, label=f"attribution ({attribution.target})")
    note = "  (* = true signal turn)" if signal_turns is not None else ""
    ax.set_title(f"Which turn? {attribution.method} for session {session.session_id}{note}")
    return fig


def plot_feature_attributions(
    channel_scores: np.ndarray,
    channel_names: Sequence[str],
    *,
    modality: str,
    top: int = 15,
    signal_channels: np.ndarray | None = None,
    title: str | None = None,
) -> Figure:
    """The channels with the largest ``|attribution|``, named, signal channels highlighted.

    Args:
        channel_scores: (d_m,) attribution per channel.  channel_names: d_m names.
        modality: for the colour and title.  top: how many channels.
        signal_channels: (d_m,) bool; true signal channels are drawn hatched.
        title: figure title.
    Returns:
        the Figure.
    """
    scores = np.asarray(channel_scores, dtype=np.float64)
    if len(channel_names) != len(scores):
        raise ValueError(f"{len(channel_names)} channel names for {len(scores)} scores")
    order = np.argsort(-np.abs(scores), kind="mergesort")[:top][::-1]
    fig = new_figure(5.0, 0.25 * len(order) + 1.2)
    ax = fig.add_subplot()
    bars = ax.barh(np.arange(len(order)), scores[order], color=MODALITY_COLORS.get(modality))
    if signal_channels is not None:
        for bar, c in zip(bars, order, strict=True):
            if signal_channels[c]:
                bar.set_hatch("///")
                bar.set_edgecolor("black")
    ax.set_yticks(np.arange(len(order)), [channel_names[c] for c in order], fontsize=8)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel("attribution")
    note = " (hatched = true signal channel)" if signal_channels is not None else ""
    ax.set_title(title or f"Which feature? top {len(order)} {modality} channels{note}", fontsize=9)
    return fig


def plot_channel_heatmap(
    attribution: TurnAttribution, session: Session, *, modality: str, channels: Sequence[int]
) -> Figure:
    """Turn x channel attributions of some channels, drawn by Captum's ``visualize_image_attr``.

    Args:
        attribution: an IG result (with ``features``).  session: for the channel names.
        modality: the modality.  channels: channel indices to show.
    Returns:
        the Figure.
    """
    from captum.attr import visualization as viz

    if attribution.features is None:
        raise ValueError("a channel heatmap needs per-channel attributions (method='ig')")
    idx = list(channels)
    attr = attribution.features[modality][:, idx].T[:, :, None]  # (C, n_turns, 1)
    fig = new_figure(7.0, 0.3 * len(idx) + 1.5)
    ax = fig.add_subplot()
    viz.visualize_image_attr(
        attr,
        method="heat_map",
        sign="all",
        plt_fig_axis=(fig, ax),
        use_pyplot=False,
        show_colorbar=True,
        title=f"{modality} channels over turns (Captum heat map, red = up)",
    )
    names = session.channel_names.get(modality) or [str(i) for i in range(max(idx) + 1)]
    ax.set_yticks(np.arange(len(idx)), [names[i] for i in idx], fontsize=7)
    ax.set_xlabel("turn")
    ax.set_aspect("auto")
    return fig


def plot_deletion_insertion(curves: Mapping[str, Curves]) -> Figure:
    """Deletion and insertion curves for several turn orderings (e.g. IG, random, truth).

    Args:
        curves: ordering name -> :class:`~mimml_edu.explain.Curves` (averaged or one session).
    Returns:
        the Figure; areas in the legend.
    """
    fig = new_figure(8.0, 3.2)
    ax_del, ax_ins = fig.subplots(1, 2, sharey=True)
    for name, c in curves.items():
        ax_del.plot(
            c.fractions, c.deletion, marker="o", ms=3, label=f"{name} ({c.deletion_auc:.2f})"
        )
        ax_ins.plot(
            c.fractions, c.insertion, marker="o", ms=3, label=f"{name} ({c.insertion_auc:.2f})"
        )
    ax_del.set_title("deletion: most attributed turns removed first\n(larger area = better)")
    ax_ins.set_title("insertion: most attributed turns added first\n(larger area = better)")
    for ax in (ax_del, ax_ins):
        ax.set_xlabel("share of turns")
        ax.axhline(0, color="grey", lw=0.6)
        ax.legend(frameon=False, fontsize=8)
    ax_del.set_ylabel("|F - F(x)|")
    ax_ins.set_ylabel("|F - F(baseline)|")
    return fig


def plot_session_gate(
    gate: np.ndarray, *, signal_turns: np.ndarray | None = None, session_id: str = ""
) -> Figure:
    """The fusion gate per turn: above 0.5 the BiGRU path dominates, below it the CNN path.

    Args:
        gate: (n_turns,) from :func:`~mimml_edu.explain.gate_values`.
        signal_turns: (n_turns,) bool, shaded when given.  session_id: for the title.
    Returns:
        the Figure.
    """
    gate = np.asarray(gate, dtype=np.float64)
    fig = new_figure(7.0, 2.6)
    ax = fig.add_subplot()
    ax.plot(np.arange(len(gate)), gate, marker=".", color="black")
    if signal_turns is not None:
        for t in np.flatnonzero(signal_turns):
            ax.axvspan(t - 0.5, t + 0.5, color="gold", alpha=0.4, lw=0)
    ax.axhline(0.5, color="grey", ls="--", lw=0.8)
    ax.set_xlabel("turn")
    ax.set_ylabel("gate (BiGRU share)")
    shade = " (gold = true signal turn)" if signal_turns is not None else ""
    ax.set_title(f"Fusion gate, session {session_id}{shade}", fontsize=9)
    return fig


def plot_attribution_explorer(
    shapley: ModalityShapley,
    attribution: TurnAttribution,
    session: Session,
    *,
    modality: str = "all",
    signal_turns: np.ndarray | None = None,
    signal_channels: Mapping[str, np.ndarray] | None = None,
    top: int = 10,
) -> Figure:
    """The explorer's static twin: modality bars, turn attributions, top channels.

    Args:
        shapley: the session's modality Shapley values.
        attribution: the session's turn attribution (``ig`` or ``occlusion``).
        session: the session.  modality: ``all`` or one modality (which turns and channels).
        signal_turns: (n_turns,) bool, shaded when given.
        signal_channels: modality -> (d_m,) bool, hatched when given.  top: channels shown.
    Returns:
        the Figure (what :func:`mimml_edu.widgets.explain.attribution_explorer` shows).
    """
    if modality != "all" and modality not in MODALITIES:
        raise ValueError(f"modality must be 'all' or one of {MODALITIES}")
    fig = new_figure(11.0, 5.2)
    grid = fig.add_gridspec(2, 2, width_ratios=[2.2, 1])
    ax_mod, ax_turn, ax_feat = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), None
    mods = list(MODALITIES)
    vals = [shapley.shapley[m] for m in mods]
    edge = ["black" if m == modality else "none" for m in mods]
    ax_mod.barh(mods, vals, color=[MODALITY_COLORS[m] for m in mods], edgecolor=edge, lw=2)
    ax_mod.axvline(0, color="black", lw=0.8)
    ax_mod.invert_yaxis()
    ax_mod.set_title(
        f"session {session.session_id} · target {attribution.target} · "
        f"F(all) {shapley.full:+.2f}, F(none) {shapley.empty:+.2f} · Shapley per modality",
        fontsize=9,
    )
    if modality == "all" or attribution.turns is None:
        turn_vals, label = attribution.turn_total, "all modalities"
        if modality != "all":
            label += " (occlusion removes whole turns)"
    else:
        turn_vals, label = attribution.turns[:, mods.index(modality)], modality
    t = np.arange(session.n_turns)
    if signal_turns is not None:
        for s in np.flatnonzero(signal_turns):
            ax_turn.axvspan(s - 0.5, s + 0.5, color="gold", alpha=0.35, lw=0)
    colors = np.where(turn_vals >= 0, CLASS_COLORS[1], CLASS_COLORS[0])
    ax_turn.bar(t, np.where(attribution.present, turn_vals, 0.0), color=colors)
    ax_turn.axhline(0, color="black", lw=0.8)
    ax_turn.set_xlabel("turn" + (" (gold = true signal turn)" if signal_turns is not None else ""))
    ax_turn.set_ylabel("attribution")
    ax_turn.set_title(f"{attribution.method}: per turn, {label}", fontsize=9)
    ax_feat = fig.add_subplot(grid[:, 1])
    if attribution.features is not None:
        shown = mods if modality == "all" else [modality]
        scores = np.concatenate([attribution.channel_attribution(m) for m in shown])
        names = [f"{m}:{n}" for m in shown for n in session.channel_names.get(m, [])]
        truth = (
            np.concatenate([signal_channels[m] for m in shown])
            if signal_channels is not None
            else np.zeros(len(scores), bool)
        )
        order = np.argsort(-np.abs(scores), kind="mergesort")[:top][::-1]
        bars = ax_feat.barh(np.arange(len(order)), scores[order], color="grey")
        for bar, c in zip(bars, order, strict=True):
            bar.set_color(MODALITY_COLORS[names[c].split(":")[0]])
            if truth[c]:
                bar.set_hatch("///")
                bar.set_edgecolor("black")
        ax_feat.set_yticks(np.arange(len(order)), [names[c] for c in order], fontsize=7)
        ax_feat.axvline(0, color="black", lw=0.8)
        ax_feat.set_title("top channels (hatched = true signal)", fontsize=9)
    else:
        ax_feat.axis("off")
        ax_feat.text(0.5, 0.5, "occlusion removes whole turns:\nno per-channel view", ha="center")
    fig.suptitle(f"explorer: method={attribution.method}, modality={modality}", fontsize=10)
    return fig
