"""Figures for chapter 03: listen, look, read, and the three modalities aligned per turn.

Computation stays in the extractor modules (:mod:`mimml_edu.features`); these functions only
draw what they get.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.plots.style import MODALITY_COLORS, PARTICIPANT_COLOR, new_figure


def _shade_turns(ax, turn_times: np.ndarray | None, label: str | None = None) -> None:
    if turn_times is None:
        return
    for i, (start, stop) in enumerate(np.asarray(turn_times).reshape(-1, 2)):
        ax.axvspan(start, stop, color=PARTICIPANT_COLOR, alpha=0.15, lw=0,
                   label=label if i == 0 else None)  # fmt: skip


def plot_listen(
    y: np.ndarray, frames, *, turn_times: np.ndarray | None = None, title: str = ""
) -> Figure:
    """Waveform, log-mel spectrogram, and pitch track with voicing and energy.

    Args:
        y: ``(n_samples,)`` waveform at ``frames.sample_rate``.
        frames: :class:`mimml_edu.features.audio.AudioFrames` of ``y``.
        turn_times: optional ``(n_turns, 2)`` participant turns, shaded.
        title: figure title.
    Returns:
        a Figure: waveform, spectrogram and pitch panels on one time axis.
    """
    fig = new_figure(10, 7)
    ax_wave, ax_mel, ax_f0 = fig.subplots(3, 1, sharex=True)
    t = np.arange(len(y)) / frames.sample_rate
    step = max(1, len(y) // 20000)  # draw at most ~20k points
    ax_wave.plot(t[::step], y[::step], lw=0.4, color="0.2")
    _shade_turns(ax_wave, turn_times, "participant turn")
    ax_wave.set_ylabel("amplitude")
    if turn_times is not None:
        ax_wave.legend(loc="upper right", fontsize=8)
    mel_cols = [i for i, n in enumerate(frames.names) if n.startswith("logmel_")]
    mel = frames.features[:, mel_cols].T  # (n_mels, T)
    extent = (frames.times[0], frames.times[-1], 0, len(mel_cols))
    image = ax_mel.imshow(mel, aspect="auto", origin="lower", extent=extent, cmap="magma")
    fig.colorbar(image, ax=ax_mel, label="dB", pad=0.01)
    ax_mel.set_ylabel("mel band")
    f0 = np.where(frames.voiced, frames.column("f0_hz"), np.nan)
    ax_f0.plot(
        frames.times, f0, ".", ms=2, color=MODALITY_COLORS["audio"], label="F0 (voiced frames)"
    )
    _shade_turns(ax_f0, turn_times)
    ax_f0.set_ylabel("F0 (Hz)")
    ax_f0.set_xlabel("time (s)")
    ax_rms = ax_f0.twinx()
    ax_rms.plot(frames.times, frames.column("rms_db"), lw=0.6, color="0.5", label="RMS energy")
    ax_rms.set_ylabel("RMS (dB)")
    ax_f0.legend(loc="upper left", fontsize=8)
    ax_rms.legend(loc="upper right", fontsize=8)
    fig.suptitle(title or "Listen: waveform, log-mel spectrogram, pitch")
    return fig


def plot_face_frames(
    images: Sequence[np.ndarray],
    landmarks: Sequence[np.ndarray | None],
    *,
    titles: Sequence[str] | None = None,
    connections: Sequence[tuple[int, int]] | None = None,
) -> Figure:
    """Frames with their 478 landmarks drawn (and the face contours when given).

    Args:
        images: RGB ``(H, W, 3)`` frames.
        landmarks: per frame ``(478, 3)`` normalised landmarks, or None (no face).
        titles: one caption per frame.
        connections: landmark index pairs to join with lines (e.g. MediaPipe's contours).
    Returns:
        a Figure with one panel per frame.
    """
    n = len(images)
    fig = new_figure(3.2 * n, 3.0)
    axes = np.atleast_1d(fig.subplots(1, n))
    for i, (ax, image, lm) in enumerate(zip(axes, images, landmarks, strict=True)):
        ax.imshow(image)
        h, w = image.shape[:2]
        if lm is not None and np.isfinite(lm).all():
            x, y = lm[:, 0] * w, lm[:, 1] * h
            ax.scatter(x, y, s=0.6, color="lime")
            for a, b in connections or ():
                ax.plot([x[a], x[b]], [y[a], y[b]], lw=0.6, color="cyan")
        else:
            ax.text(w / 2, h / 2, "no face", color="red", ha="center", va="center", fontsize=14)
        ax.set_title(titles[i] if titles else "", fontsize=9)
        ax.set_axis_off()
    return fig


def plot_face_series(
    frames,
    *,
    blendshapes: Sequence[str] = ("eyeBlinkLeft", "jawOpen", "mouthSmileLeft", "browInnerUp"),
    turn_times: np.ndarray | None = None,
) -> Figure:
    """Blendshape scores and head pose over time; frames without a face leave gaps.

    Args:
        frames: :class:`mimml_edu.features.video.VideoFrames`.
        blendshapes: blendshape names to draw (without the ``bs_`` prefix).
        turn_times: optional participant turns, shaded.
    Returns:
        a Figure: blendshapes above head pose; red bands where no face was found.
    """
    fig = new_figure(10, 5.5)
    ax_bs, ax_pose = fig.subplots(2, 1, sharex=True)
    for name in blendshapes:
        ax_bs.plot(frames.times, frames.column(f"bs_{name}"), lw=1, label=name)
    ax_bs.set_ylabel("blendshape score")
    ax_bs.set_ylim(-0.02, 1.02)
    for name in ("yaw_deg", "pitch_deg", "roll_deg"):
        ax_pose.plot(frames.times, frames.column(name), lw=1, label=name.replace("_deg", ""))
    ax_pose.set_ylabel("head rotation (deg)")
    ax_pose.set_xlabel("time (s)")
    for ax in (ax_bs, ax_pose):
        _shade_turns(ax, turn_times)
        missing = ~frames.found
        if missing.any():
            ax.fill_between(frames.times, 0, 1, where=missing, transform=ax.get_xaxis_transform(),
                            color="red", alpha=0.15, lw=0, label="no face")  # fmt: skip
        ax.legend(loc="upper right", fontsize=8, ncol=3)
    fig.suptitle(f"Look: face found in {frames.detection_rate:.0%} of analysed frames")
    return fig


def plot_similarity(
    embeddings: np.ndarray, mask: np.ndarray, labels: Sequence[str], *, title: str = ""
) -> Figure:
    """Cosine similarity between turn embeddings; masked turns are left blank.

    Args:
        embeddings: ``(n, d)`` turn embeddings.
        mask: ``(n,)`` True where a turn has text.
        labels: n short captions.
    Returns:
        a Figure with the (n, n) similarity matrix.
    """
    x = np.asarray(embeddings, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    x = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    sim = x @ x.T  # (n, n)
    keep = np.asarray(mask, dtype=bool)
    sim[~keep, :] = np.nan
    sim[:, ~keep] = np.nan
    n = len(labels)
    fig = new_figure(1.0 + 0.45 * n + 3, 0.45 * n + 1.5)
    ax = fig.subplots()
    image = ax.imshow(sim, vmin=-0.2, vmax=1.0, cmap="viridis")
    fig.colorbar(image, ax=ax, label="cosine similarity")
    ax.set_xticks(range(n), range(n), fontsize=8)
    ax.set_yticks(range(n), [f"{i}: {lab}" for i, lab in enumerate(labels)], fontsize=8)
    ax.set_title(title or "Read: similarity of turn embeddings")
    return fig


def plot_aligned_turns(
    session: Session,
    audio_frames=None,
    video_frames=None,
    *,
    pose: str = "roll_deg",
    max_chars: int = 28,
) -> Figure:
    """The three modalities of one session aligned on its participant turns.

    Top: the turns on the time axis with their text. Middle: F0 (voiced frames) and
    one head-pose angle, per frame. Bottom: which modality exists for which turn (the masks).

    Args:
        session: a Session with ``turn_times`` and ``turn_text``.
        audio_frames: optional AudioFrames of the session's recording.
        video_frames: optional VideoFrames of the session's video.
        pose: the VideoFrames column to draw (``yaw_deg``, ``pitch_deg``, ``roll_deg``).
        max_chars: turn texts are cut to this length.
    Returns:
        a Figure with three panels: turns and text, frame signals, masks.
    """
    if session.turn_times is None:
        raise ValueError(f"session {session.session_id} has no turn_times to align on")
    times = session.turn_times
    fig = new_figure(11, 6.5)
    ax_text, ax_sig, ax_mask = fig.subplots(3, 1, height_ratios=[1.2, 2, 1.2])
    texts = session.turn_text or [""] * session.n_turns
    for i, ((start, stop), text) in enumerate(zip(times, texts, strict=True)):
        ax_text.barh(0, stop - start, left=start, color=PARTICIPANT_COLOR, alpha=0.6)
        short = text if len(text) <= max_chars else text[: max_chars - 1] + "…"
        ax_text.text((start + stop) / 2, 0.55 + 0.35 * (i % 2), f"{i}: {short or '(no text)'}",
                     ha="center", fontsize=8)  # fmt: skip
    ax_text.set_ylim(-0.5, 1.2)
    ax_text.set_yticks([])
    ax_text.set_title(f"session {session.session_id}: participant turns")
    ax_sig.sharex(ax_text)
    if audio_frames is not None:
        f0 = np.where(audio_frames.voiced, audio_frames.column("f0_hz"), np.nan)
        ax_sig.plot(
            audio_frames.times, f0, ".", ms=2, color=MODALITY_COLORS["audio"], label="F0 (Hz)"
        )
    ax_sig.set_ylabel("F0 (Hz)")
    if video_frames is not None:
        ax_pose = ax_sig.twinx()
        label = f"head {pose.replace('_deg', '')} (deg)"
        pose_color = MODALITY_COLORS["video"]
        ax_pose.plot(video_frames.times, video_frames.column(pose), color=pose_color, lw=1,
                     label=label)  # fmt: skip
        ax_pose.set_ylabel(label)
        ax_pose.legend(loc="upper right", fontsize=8)
    _shade_turns(ax_sig, times)
    ax_sig.set_xlabel("time (s)")
    if audio_frames is not None:
        ax_sig.legend(loc="upper left", fontsize=8)
    grid = np.array([session.masks[m] for m in MODALITIES], dtype=float)  # (3, n_turns)
    ax_mask.imshow(grid, cmap="Greens", vmin=0, vmax=1.4, aspect="auto")
    for (r, c), present in np.ndenumerate(grid):
        ax_mask.text(c, r, "present" if present else "masked", ha="center", va="center",
                     fontsize=8, color="black" if present else "0.45")  # fmt: skip
    ax_mask.set_yticks(range(3), MODALITIES)
    ax_mask.set_xticks(range(session.n_turns), [f"turn {i}" for i in range(session.n_turns)])
    ax_mask.set_title("per-turn masks: one feature vector per modality and turn")
    return fig
