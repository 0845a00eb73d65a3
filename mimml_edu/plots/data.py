"""Figures for the data chapter (02).

Public API:

- :func:`plot_corpus_knobs` the static twin of :func:`mimml_edu.widgets.data.corpus_knobs`:
  build a synthetic corpus at the given knobs and draw :func:`plot_corpus_evidence`.
- :func:`plot_corpus_evidence` class-conditional evidence per modality, the text-vs-audio
  evidence scatter (shared vs specific), and the oracle's balanced accuracy.
- :func:`plot_session_alignment` one DAIC-WOZ session on a time axis: transcript rows,
  COVAREP F0 frames and CLNF AU12 frames, with their per-turn averages.
- :func:`plot_windows` the K-turn windows of a session (and its signal turns if known).
- :func:`plot_split_leakage` accuracy with windows split by participant vs by window.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from mimml_edu.data.batch import MODALITIES, Session, make_windows
from mimml_edu.data.channels import AU_INTENSITY, AU_PRESENCE, VIDEO_COLUMNS
from mimml_edu.data.oracle import modality_statistics, oracle_posterior
from mimml_edu.data.synthetic import SyntheticCorpus, make_corpus
from mimml_edu.metrics import balanced_accuracy
from mimml_edu.plots.style import (
    CLASS_COLORS,
    CLASS_NAMES,
    MODALITY_COLORS,
    PARTICIPANT_COLOR,
    SIGNAL_COLOR,
    new_figure,
)


def plot_corpus_evidence(corpus: SyntheticCorpus) -> Figure:
    """Per modality, the oracle's evidence by class; and text vs audio evidence.

    Args:
        corpus: a synthetic corpus.
    Returns:
        a Figure with four panels.
    """
    stats = modality_statistics(corpus.sessions, corpus.config)
    y = corpus.labels
    fig = new_figure(12, 3.2)
    axes = fig.subplots(1, 4)
    finite = np.concatenate([v[np.isfinite(v)] for v in stats.values()])
    lo, hi = np.percentile(finite, [1, 99]) if finite.size else (-1, 1)
    bins = np.linspace(lo, hi, 25)
    for ax, m in zip(axes[:3], MODALITIES, strict=True):
        for cls in (0, 1):
            v = stats[m][(y == cls) & np.isfinite(stats[m])]
            ax.hist(
                v,
                bins=bins,
                alpha=0.6,
                color=CLASS_COLORS[cls],
                label=CLASS_NAMES[cls],
                density=True,
            )
        only = oracle_posterior(corpus.sessions, corpus.config, modalities=(m,))
        ba = balanced_accuracy(y, only.predictions())
        ax.set_title(
            f"{m}: strength {corpus.config.strength[m]:.2f}\noracle on {m} alone: {ba:.2f}"
        )
        ax.set_xlabel("evidence (signal turns, signal channels)")
    axes[0].set_ylabel("density")
    axes[0].legend(fontsize=8)
    ax = axes[3]
    both = np.isfinite(stats["text"]) & np.isfinite(stats["audio"])
    for cls in (0, 1):
        sel = both & (y == cls)
        ax.scatter(
            stats["text"][sel], stats["audio"][sel], s=8, color=CLASS_COLORS[cls], alpha=0.7
        )
    ax.set_xlabel("text evidence")
    ax.set_ylabel("audio evidence")
    ax.set_title(f"shared = {corpus.config.shared:.2f}")
    fig.suptitle(
        f"{len(y)} sessions, {y.mean():.0%} depressed: oracle balanced accuracy, all "
        f"modalities = {corpus.oracle_balanced_accuracy():.3f}"
    )
    return fig


def plot_corpus_knobs(
    *,
    strength_text: float = 1.0,
    strength_audio: float = 1.0,
    strength_video: float = 1.0,
    shared: float = 0.5,
    prevalence: float = 0.3,
    n_sessions: int = 189,
    seed: int = 0,
) -> Figure:
    """Generate a corpus at these knobs and plot its evidence (the widget's static twin).

    Args:
        strength_text, strength_audio, strength_video: signal strength per modality.
        shared: the share of the signal that is shared across modalities.
        prevalence: the share of depressed sessions.  n_sessions, seed: the corpus.
    Returns:
        the Figure of :func:`plot_corpus_evidence`.
    """
    corpus = make_corpus(
        n_sessions,
        seed=seed,
        strength={"text": strength_text, "audio": strength_audio, "video": strength_video},
        shared=shared,
        prevalence=prevalence,
    )
    return plot_corpus_evidence(corpus)


def plot_session_alignment(path: str | Path, session: Session) -> Figure:
    """One DAIC-WOZ session on a time axis: how frames become per-turn features.

    Args:
        path: the session's ``XXX_P.zip`` or folder (the raw frames are read from it).
        session: the same session as read by :func:`~mimml_edu.data.daicwoz.read_daicwoz`.
    Returns:
        a Figure with three aligned panels (transcript, audio F0, video AU12).
    """
    from mimml_edu.data.daicwoz import ellie_text
    from mimml_edu.data.tables import Source, numeric_table, parse_delimited

    pid = session.session_id
    source = Source(path)
    try:
        name = f"{pid}_TRANSCRIPT.csv"
        _, rows = parse_delimited(source.read_bytes(name), name, sep="\t")
        name = f"{pid}_COVAREP.csv"
        _, cov = numeric_table(source.read_bytes(name), name, sep=",", n_columns=74, header=False)
        name = f"{pid}_CLNF_AUs.txt"
        cols = ["frame", "timestamp", "confidence", "success", *AU_INTENSITY, *AU_PRESENCE]
        _, aus = numeric_table(
            source.read_bytes(name), name, sep=", ", n_columns=len(cols), header=True
        )
    finally:
        source.close()
    offset = session.meta.get("time_offset", 0.0)
    fig = new_figure(12, 6)
    ax_t, ax_a, ax_v = fig.subplots(3, 1, sharex=True)
    for cells in (r for _, r in rows):
        start, stop, speaker = float(cells[0]) + offset, float(cells[1]) + offset, cells[2]
        lane = 1 if speaker.lower() == "ellie" else 0
        ax_t.broken_barh([(start, stop - start)], (lane - 0.35, 0.7),
                         color="#999999" if lane else PARTICIPANT_COLOR)  # fmt: skip
    for i, (a, b) in enumerate(session.turn_times):
        for ax in (ax_t, ax_a, ax_v):
            ax.axvspan(a, b, color=PARTICIPANT_COLOR, alpha=0.12, lw=0)
        text = session.turn_text[i] if session.turn_text else ""
        ax_t.text(a, -0.55, (text[:18] + "…") if len(text) > 18 else text, fontsize=7, va="top")
    first_ellie = next((ellie_text(r[3]) for _, r in rows if r[2].lower() == "ellie"), None)
    ax_t.set_yticks([0, 1], ["participant", "Ellie" if first_ellie is not None else "(no Ellie)"])
    ax_t.set_ylim(-1.0, 1.6)
    ax_t.set_title(f"session {pid}: transcript rows (purple = participant turns, shaded)")
    t = np.arange(len(cov)) / 100.0
    voiced = cov[:, 1] == 1
    ax_a.plot(
        t[voiced],
        cov[voiced, 0],
        ".",
        ms=1.5,
        color=MODALITY_COLORS["audio"],
        label="F0, voiced frames",
    )
    j = VIDEO_COLUMNS.index("AU12_r")
    ok = aus[:, 3] == 1
    ax_v.plot(
        aus[ok, 1],
        aus[ok, 4 + j],
        lw=0.6,
        color=MODALITY_COLORS["video"],
        label="AU12_r, success frames",
    )
    for i, (a, b) in enumerate(session.turn_times):
        if session.masks["audio"][i]:
            ax_a.hlines(session.features["audio"][i, 0], a, b, color="k", lw=2.5)
        if session.masks["video"][i]:
            ax_v.hlines(session.features["video"][i, j], a, b, color="k", lw=2.5)
    ax_a.set_ylabel("F0 (Hz)")
    ax_a.set_title("audio: COVAREP frames (100 Hz); black = per-turn mean over voiced frames")
    ax_v.set_ylabel("AU12_r")
    ax_v.set_title("video: CLNF frames (30 Hz); black = per-turn mean over success frames")
    ax_v.set_xlabel("media time (s)")
    return fig


def plot_windows(session: Session, *, k: int = 16, stride: int | None = None) -> Figure:
    """The windows :func:`~mimml_edu.data.batch.make_windows` cuts from a session."""
    windows = make_windows(session, k=k, stride=stride)
    fig = new_figure(10, 0.5 + 0.3 * len(windows))
    ax = fig.subplots()
    for i, w in enumerate(windows):
        ax.barh(i, w.length, left=w.start - 0.5, height=0.6, color="0.45", alpha=0.8)
    signal = session.meta.get("signal_turns")
    if signal is not None:
        for turn in np.flatnonzero(signal):
            ax.axvline(turn, color=SIGNAL_COLOR, lw=1.5)
    ax.set_xlim(-1, session.n_turns)
    ax.set_yticks(range(len(windows)), [f"window {i}" for i in range(len(windows))])
    ax.invert_yaxis()
    ax.set_xlabel("turn")
    extra = " (gold: signal turns)" if signal is not None else ""
    ax.set_title(f"session {session.session_id}: {session.n_turns} turns, k={k}, "
                 f"stride={stride or max(1, k // 2)}{extra}")  # fmt: skip
    return fig


def plot_split_leakage(
    result: dict, *, oracle: float | Mapping[str, float] | None = None
) -> Figure:
    """Bars: session-level balanced accuracy by participant split vs by window split.

    Args:
        result: the output of :func:`~mimml_edu.data.leakage.split_leakage`.
        oracle: the oracle's balanced accuracy (the honest ceiling): one number, drawn as a
            line across both bars, or ``{"by_participant": x, "by_window": y}``, the oracle
            on each split's own test sessions, drawn as a tick over each bar.
    """
    fig = new_figure(6, 3.2)
    ax = fig.subplots()
    names = ["by_participant", "by_window"]
    values = [result[n]["session_balanced_accuracy"] for n in names]
    bars = ax.bar(["split by participant\n(honest)", "split by window\n(leaky)"], values,
                  color=["#55A868", "#C44E52"])  # fmt: skip
    for bar, v in zip(bars, values, strict=True):  # inside the bar: clear of oracle lines
        ax.text(bar.get_x() + bar.get_width() / 2, v - 0.03, f"{v:.2f}", ha="center",
                va="top", color="white", fontweight="bold")  # fmt: skip
    if isinstance(oracle, Mapping):
        for i, (bar, n) in enumerate(zip(bars, names, strict=True)):
            x0, width = bar.get_x(), bar.get_width()
            ax.hlines(oracle[n], x0 - 0.08, x0 + width + 0.08, color="k", ls="--", lw=1.2,
                      label="oracle on the same test sessions" if i == 0 else None)  # fmt: skip
            ax.text(x0 + width + 0.1, oracle[n], f"oracle {oracle[n]:.2f}", va="center",
                    fontsize=8)  # fmt: skip
        ax.legend(loc="lower center", fontsize=8)
        ax.set_xlim(-0.6, 1.9)
    elif oracle is not None:
        ax.axhline(oracle, color="k", ls="--", lw=1)
        ax.text(1.45, oracle + 0.01, f"oracle {oracle:.2f}", ha="right", fontsize=8)
    ax.axhline(0.5, color="#999999", ls=":", lw=1)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("session balanced accuracy (test)")
    ax.set_title("same model, same data, two ways to split")
    return fig
