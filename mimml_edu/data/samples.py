"""Synthetic sessions in the exact DAIC-WOZ layout, and where the shipped samples live.

Public API:

- :func:`samples_dir` the shipped sample data (the package ``mimml_edu.samples``, found
  through :mod:`importlib.resources`; ``data_samples/`` in the source repository).
- :func:`shipped_daicwoz` its synthetic DAIC-WOZ sessions (``daicwoz/``).
- :func:`write_daicwoz_session` one ``XXX_P`` session (folder or ``XXX_P.zip``): transcript,
  16 kHz wav, COVAREP, FORMANT and the CLNF files, with the real headers and separators.
- :func:`write_daicwoz_labels` the four AVEC 2017 label files in their exact formats.

Everything here is synthetic (random numbers shaped like the real files); nothing comes
from a participant. ``data_samples/make_daicwoz_samples.py`` calls these with fixed seeds;
``bench/data.py`` writes a full-length (15 minute) session to time the reader.
"""

from __future__ import annotations

import importlib.resources
import io
import wave
import zipfile
from pathlib import Path

import numpy as np

from mimml_edu.data.channels import AU_INTENSITY, AU_PRESENCE, COVAREP_COLUMNS, GAZE_COLUMNS

ELLIE_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("where_originally", "where are you from originally"),
    ("how_doing", "how are you doing today"),
    ("feeling_lately", "how have you been feeling lately"),
    ("sleep_easy", "how easy is it for you to get a good night's sleep"),
    ("last_happy", "when was the last time you felt really happy"),
    ("diagnosed_d", "have you ever been diagnosed with depression"),
    ("dream_job", "what's your dream job"),
    ("proud", "what are you most proud of in your life"),
)
ANSWER_WORDS = (
    "i um i think it's been okay mostly yeah work has been busy lately and i don't sleep "
    "that well you know my family lives far away so i call them on weekends it's fine i guess "
    "sometimes i feel tired and i just stay home and watch tv"
).split()
MARKUP = ("<laughter>", "[laughter]", "<sync>", "<synch>", "scrubbed_entry", "xxx")


SAMPLES_PACKAGE = "mimml_edu.samples"


def samples_dir(*parts: str) -> Path:
    """A folder of the shipped samples, e.g. ``samples_dir("raw")``.

    The samples are the package ``mimml_edu.samples`` (``data_samples/`` of the repository,
    mapped by ``setup.py``), found with :mod:`importlib.resources`, so a plain ``pip
    install`` has them; a checkout used without installing (``PYTHONPATH``) uses its own
    ``data_samples/``. Raises ``FileNotFoundError`` if the folder is not there.
    """
    try:
        root = importlib.resources.files(SAMPLES_PACKAGE)
    except ModuleNotFoundError:
        root = Path(__file__).resolve().parents[2] / "data_samples"
    if not isinstance(root, Path):
        raise FileNotFoundError(f"{SAMPLES_PACKAGE} is not a folder on disk ({root!r})")
    path = root.joinpath(*parts)
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: not among the shipped samples of mimml-edu")
    return path


def shipped_daicwoz() -> Path:
    """The shipped synthetic sessions in the DAIC-WOZ layout (``daicwoz/`` of the samples)."""
    return samples_dir("daicwoz")


def _transcript(rng, duration, style, t0):
    """Rows (start, stop, speaker, value) and the participant speech spans."""
    rows, spans, t, q = [], [], t0, 0
    while t < duration - 5:
        key, text = ELLIE_QUESTIONS[q % len(ELLIE_QUESTIONS)]
        q += 1
        if style != "none":
            stop = t + rng.uniform(1.0, 2.0)
            value = f"{key} ({text})" if style == "prompt_id" else text
            rows.append((t, stop, "Ellie", value))
            t = stop + rng.uniform(0.2, 0.6)
        for _ in range(int(rng.integers(1, 3))):
            length = rng.uniform(0.8, 2.5)
            stop = min(t + length, duration - 1)
            words = list(rng.choice(ANSWER_WORDS, size=max(1, int(length * 2.2))))
            if rng.random() < 0.3:
                words.insert(int(rng.integers(0, len(words) + 1)), str(rng.choice(MARKUP)))
            value = "" if rng.random() < 0.04 else " ".join(words)
            rows.append((t, stop, "Participant", value))
            spans.append((t, stop))
            t = stop + rng.uniform(0.2, 0.6)
        t += rng.uniform(0.2, 0.6)
    return rows, spans


def _speaking(times, spans):
    on = np.zeros(len(times), dtype=bool)
    for a, b in spans:
        on[(times >= a) & (times < b)] = True
    return on


def _fmt_rows(array, fmt, sep):
    row_fmt = sep.join([fmt] * array.shape[1])
    return "\n".join(row_fmt % tuple(row) for row in array.tolist()) + "\n"


def _covarep(rng, n, speaking):
    x = np.zeros((n, len(COVAREP_COLUMNS)))
    voiced = speaking & (rng.random(n) < 0.8)
    f0 = 120 + 40 * np.sin(np.arange(n) / 300.0) + rng.normal(0, 8, n)
    x[:, 0] = np.where(voiced, f0, 0.0)
    x[:, 1] = voiced
    glottal = rng.normal([0.1, 0.4, 5.0, 0.2, 0.1, -0.3, 1.0, 0.5, 0.0], 0.05, (n, 9))
    x[:, 2:11] = np.where(voiced[:, None], glottal, 0.0)
    x[:, 11:] = np.round(_smooth(rng, n, len(COVAREP_COLUMNS) - 11, 0.5), 2)
    bad = np.flatnonzero(voiced)[:: max(1, voiced.sum() // 10)][:10]
    x[bad, 4] = -np.inf  # H1H2 = -inf in a few voiced frames, like the real files
    x[bad[:3], 7] = np.nan
    zero_rows = rng.choice(n, size=min(n, 5), replace=False)
    x[zero_rows] = 0.0
    return x


def _smooth(rng, n, d, scale):
    """Slowly varying noise ``(n, d)`` with standard deviation about ``scale``."""
    steps = rng.normal(0, 1, (n, d))
    walk = np.cumsum(steps, axis=0)
    walk = walk - np.linspace(walk[0], walk[-1], n)  # pin both ends: a bridge, bounded
    return scale * walk / max(1.0, float(walk.std()))


def _clnf_block(rng, n, columns, base, scale):
    return base + _smooth(rng, n, len(columns), scale)


def write_daicwoz_session(
    root: str | Path,
    participant_id: int,
    *,
    duration_s: float = 90.0,
    seed: int = 0,
    ellie_style: str = "plain",
    media_offset_s: float = 0.0,
    as_zip: bool = True,
    landmarks: bool = True,
) -> Path:
    """Write one synthetic session in the DAIC-WOZ layout.

    Args:
        root: folder to write into.
        participant_id: e.g. 303; files are named ``303_TRANSCRIPT.csv`` etc.
        duration_s: length of the recording (media), seconds.
        seed: random seed.
        ellie_style: ``"plain"`` (Ellie's text), ``"prompt_id"`` (``prompt_id (text)``, as
            from session 363 on) or ``"none"`` (no Ellie lines, like 451, 458, 480).
        media_offset_s: the transcript's times are this much *earlier* than the media
            (media time = transcript time + offset), like sessions 318, 321, 341, 362.
        as_zip: write ``XXX_P.zip`` (like the download) instead of a ``XXX_P/`` folder.
        landmarks: also write the 2-D and 3-D landmark files (large; off for benchmarks
            that do not read them).
    Returns:
        the path of the zip or folder.
    """
    if ellie_style not in ("plain", "prompt_id", "none"):
        raise ValueError(f"ellie_style must be plain, prompt_id or none, got {ellie_style!r}")
    rng = np.random.default_rng(seed)
    pid = str(participant_id)
    t0 = float(rng.uniform(6.0, max(7.0, min(20.0, 0.15 * duration_s))))
    rows, spans = _transcript(rng, duration_s - media_offset_s, ellie_style, t0)
    media_spans = [(a + media_offset_s, b + media_offset_s) for a, b in spans]
    files: dict[str, bytes] = {}
    lines = ["start_time\tstop_time\tspeaker\tvalue"]
    lines += [f"{a:.3f}\t{b:.3f}\t{s}\t{v}" for a, b, s, v in rows]
    files[f"{pid}_TRANSCRIPT.csv"] = ("\n".join(lines) + "\n").encode()

    n_audio = int(duration_s * 100)
    t_audio = np.arange(n_audio) / 100.0
    speaking = _speaking(t_audio, media_spans)
    covarep = _covarep(rng, n_audio, speaking)
    text = _fmt_rows(covarep, "%.4g", ",")
    files[f"{pid}_COVAREP.csv"] = text.encode()
    formant = np.where(speaking[:, None], [500, 1500, 2500, 3500, 4500], 0.0)
    formant = formant + rng.normal(0, 30, (n_audio, 5)) * speaking[:, None]
    files[f"{pid}_FORMANT.csv"] = _fmt_rows(formant, "%.1f", ",").encode()

    sr = 16000
    ts = np.arange(int(duration_s * sr)) / sr
    voice = np.zeros_like(ts)
    for a, b in media_spans:
        sel = (ts >= a) & (ts < b)
        phase = 2 * np.pi * 130 * ts[sel]
        voice[sel] = sum(np.sin(k * phase) / k for k in (1, 2, 3)) * 0.02
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes((voice * 32767).astype("<i2").tobytes())
    files[f"{pid}_AUDIO.wav"] = buf.getvalue()

    n_video = int(duration_s * 30)
    frame = np.arange(1, n_video + 1)
    stamp = (frame - 1) / 30.0
    success = np.ones(n_video)
    lost = int(rng.integers(0, max(1, n_video - 60)))
    success[lost : lost + 45] = 0  # the face is lost for 1.5 s
    confidence = np.where(success == 1, rng.uniform(0.85, 0.98, n_video), 0.0)
    head = np.column_stack([frame, stamp, confidence, success])
    talk = _speaking(stamp, media_spans)[:, None]

    def clnf(name, columns, values):
        values = np.where(success[:, None] == 1, values, 0.0)
        header = ", ".join(["frame", "timestamp", "confidence", "success", *columns])
        body = _fmt_rows(np.column_stack([head, values]), "%.4g", ", ")
        files[f"{pid}_{name}"] = (header + "\n" + body).encode()

    aus_r = np.clip(_clnf_block(rng, n_video, AU_INTENSITY, 0.6, 0.4) + 0.8 * talk, 0, 5)
    aus_c = (rng.random((n_video, len(AU_PRESENCE))) < 0.3).astype(float)
    clnf("CLNF_AUs.txt", [*AU_INTENSITY, *AU_PRESENCE], np.column_stack([aus_r, aus_c]))
    pose = np.array([10.0, 20.0, 600.0, 0.1, 0.0, 0.0])
    pose = pose + _smooth(rng, n_video, 6, 1.0) * [5, 5, 20, 0.05, 0.05, 0.03]
    clnf("CLNF_pose.txt", ["Tx", "Ty", "Tz", "Rx", "Ry", "Rz"], pose)
    gaze = np.tile([0.0, 0.1, -1.0], 4) + _smooth(rng, n_video, 12, 0.05)
    clnf("CLNF_gaze.txt", list(GAZE_COLUMNS), gaze)
    if landmarks:
        xy = np.concatenate([300 + 40 * rng.random(68), 200 + 50 * rng.random(68)])
        xy = xy + _smooth(rng, n_video, 136, 3.0)
        names = [f"x{i}" for i in range(68)] + [f"y{i}" for i in range(68)]
        clnf("CLNF_features.txt", names, np.round(xy, 1))
        xyz = np.concatenate([rng.normal(0, 40, 136), 600 + rng.normal(0, 20, 68)])
        xyz = xyz + _smooth(rng, n_video, 204, 3.0)
        names3 = [f"{a}{i}" for a in "XYZ" for i in range(68)]
        clnf("CLNF_features3D.txt", names3, np.round(xyz, 1))

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    if as_zip:
        target = root / f"{pid}_P.zip"
        with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
            for name, data in files.items():
                info = zipfile.ZipInfo(f"{pid}_P/{name}", date_time=(2016, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, data, compresslevel=9)  # fixed date: byte-identical reruns
        return target
    target = root / f"{pid}_P"
    target.mkdir(exist_ok=True)
    for name, data in files.items():
        (target / name).write_bytes(data)
    return target


def write_daicwoz_labels(root: str | Path, rows: list[dict]) -> list[Path]:
    """Write the four AVEC 2017 label files with their real headers and line endings.

    Args:
        root: folder.
        rows: dicts with ``participant_id``, ``split`` (train/dev/test), ``phq_score``,
            ``binary`` (as to be written, may disagree with the score), ``gender`` and
            optionally ``items`` (8 values, ``None`` for an empty cell).
    Returns:
        the four paths. Line endings: train LF, dev CRLF, test CR CR LF, full test LF.
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    items = ["NoInterest", "Depressed", "Sleep", "Tired", "Appetite", "Failure",
             "Concentrating", "Moving"]  # fmt: skip
    head = ",".join(["Participant_ID", "PHQ8_Binary", "PHQ8_Score", "Gender"]
                    + [f"PHQ8_{i}" for i in items])  # fmt: skip
    out = []

    def write(name, header, lines, newline):
        path = root / name
        path.write_bytes(newline.join([header, *lines, ""]).encode())
        out.append(path)

    for split, name, newline in (
        ("train", "train_split_Depression_AVEC2017.csv", "\n"),
        ("dev", "dev_split_Depression_AVEC2017.csv", "\r\n"),
    ):
        lines = []
        for r in (r for r in rows if r["split"] == split):
            vals = r.get("items") or [None] * 8
            cells = [str(r["participant_id"]), str(r["binary"]), str(int(r["phq_score"])),
                     str(r["gender"])] + ["" if v is None else str(v) for v in vals]  # fmt: skip
            lines.append(",".join(cells))
        write(name, head, lines, newline)
    test = [r for r in rows if r["split"] == "test"]
    write("test_split_Depression_AVEC2017.csv", "participant_ID,Gender",
          [f"{r['participant_id']},{r['gender']}" for r in test], "\r\r\n")  # fmt: skip
    write("full_test_split.csv", "Participant_ID,PHQ_Binary,PHQ_Score,Gender",
          [f"{r['participant_id']},{r['binary']},{int(r['phq_score'])},{r['gender']}"
           for r in test], "\n")  # fmt: skip
    return out


#: OpenFace 2.1 columns written by :func:`write_edaic_session` (a subset of the real file's
#: columns, in its order; readers select columns by name).
OPENFACE_COLUMNS: tuple[str, ...] = (
    "frame", "timestamp", "confidence", "success",
    "gaze_0_x", "gaze_0_y", "gaze_0_z", "gaze_1_x", "gaze_1_y", "gaze_1_z",
    "gaze_angle_x", "gaze_angle_y",
    "pose_Tx", "pose_Ty", "pose_Tz", "pose_Rx", "pose_Ry", "pose_Rz",
    *AU_INTENSITY, *AU_PRESENCE,
)  # fmt: skip
EGEMAPS_COLUMNS: tuple[str, ...] = (
    "Loudness_sma3", "alphaRatio_sma3", "hammarbergIndex_sma3", "slope0-500_sma3",
    "slope500-1500_sma3", "spectralFlux_sma3", "mfcc1_sma3", "mfcc2_sma3", "mfcc3_sma3",
    "mfcc4_sma3", "F0semitoneFrom27.5Hz_sma3nz", "jitterLocal_sma3nz", "shimmerLocaldB_sma3nz",
    "HNRdBACF_sma3nz", "logRelF0-H1-H2_sma3nz", "logRelF0-H1-A3_sma3nz", "F1frequency_sma3nz",
    "F1bandwidth_sma3nz", "F1amplitudeLogRelF0_sma3nz", "F2frequency_sma3nz",
    "F2amplitudeLogRelF0_sma3nz", "F3frequency_sma3nz", "F3amplitudeLogRelF0_sma3nz",
)  # fmt: skip
MFCC_COLUMNS: tuple[str, ...] = tuple(
    f"pcm_fftMag_mfcc{s}[{i}]" for s in ("", "_de", "_de_de") for i in range(13)
)


def write_edaic_session(
    root: str | Path, participant_id: int, *, duration_s: float = 30.0, seed: int = 0
) -> Path:
    """Write one synthetic session in the E-DAIC layout (``XXX_P/`` with ``features/``).

    The transcript has no speaker column and its rows are not in time order (like the
    release); OpenFace at 30 Hz; eGeMAPS and MFCC (``;``-separated) at 100 Hz.

    Returns:
        the ``XXX_P`` folder.
    """
    rng = np.random.default_rng(seed)
    pid = str(participant_id)
    folder = Path(root) / f"{pid}_P"
    (folder / "features").mkdir(parents=True, exist_ok=True)
    rows, _ = _transcript(rng, duration_s, "none", float(rng.uniform(2.0, 6.0)))
    order = rng.permutation(len(rows))
    lines = ["Start_Time,End_Time,Text,Confidence"]
    for i in order:
        a, b, _, text = rows[i]
        lines.append(f'{a:.1f},{b:.1f},"{text}",{rng.uniform(0.6, 1.0):.6f}')
    (folder / f"{pid}_Transcript.csv").write_text("\n".join(lines) + "\n")
    n_video = int(duration_s * 30)
    stamp = np.arange(n_video) / 30.0
    success = (rng.random(n_video) > 0.02).astype(float)
    values = np.column_stack(
        [
            np.arange(1, n_video + 1), stamp, np.where(success == 1, 0.95, 0.0), success,
            np.tile([0.0, 0.1, -1.0], 2) + _smooth(rng, n_video, 6, 0.05),
            _smooth(rng, n_video, 2, 0.1),
            [10.0, 20.0, 600.0, 0.1, 0.0, 0.0] + _smooth(rng, n_video, 6, 1.0) * 0.05,
            np.clip(0.6 + _smooth(rng, n_video, len(AU_INTENSITY), 0.4), 0, 5),
            (rng.random((n_video, len(AU_PRESENCE))) < 0.3).astype(float),
        ]
    )  # fmt: skip
    header = ", ".join(OPENFACE_COLUMNS)
    body = _fmt_rows(values, "%.4g", ", ")
    (folder / "features" / f"{pid}_OpenFace2.1.0_Pose_gaze_AUs.csv").write_text(
        header + "\n" + body
    )
    n_audio = int(duration_s * 100)
    t = np.arange(n_audio) / 100.0
    for kind, columns in (("egemaps", EGEMAPS_COLUMNS), ("mfcc", MFCC_COLUMNS)):
        x = np.round(_smooth(rng, n_audio, len(columns), 1.0), 3)
        lines = [";".join(["name", "frameTime", *columns])]
        lines += [";".join(["'unknown'", f"{ti:.2f}", *(f"{v:g}" for v in row)])
                  for ti, row in zip(t, x, strict=True)]  # fmt: skip
        (folder / "features" / f"{pid}_OpenSMILE2.3.0_{kind}.csv").write_text(
            "\n".join(lines) + "\n"
        )
    return folder


def write_edaic_labels(root: str | Path, rows: list[dict]) -> list[Path]:
    """Write ``train_split.csv``, ``dev_split.csv`` and ``test_split.csv`` (E-DAIC format).

    Args:
        rows: dicts with ``participant_id``, ``split``, ``phq_score``, ``binary``,
            ``gender`` (a string such as ``"male "``: trailing spaces are a real quirk).
    """
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    head = "Participant_ID,Gender,PHQ_Binary,PHQ_Score,PCL-C (PTSD),PTSD Severity"
    out = []
    for split in ("train", "dev", "test"):
        lines = [head] + [
            f"{r['participant_id']},{r['gender']},{r['binary']},{int(r['phq_score'])},0,25"
            for r in rows
            if r["split"] == split
        ]
        path = root / f"{split}_split.csv"
        path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
        out.append(path)
    return out
