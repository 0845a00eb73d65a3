"""The catalogue itself: one :class:`~robustness_cases.Case` per bad input."""

from __future__ import annotations

import os
from pathlib import Path

import robustness_corpora as rc
from robustness_cases import (
    DEV_LABELS,
    TRAIN_LABELS,
    Case,
    Result,
    _checkpoint_file,
    _claims_no_checkpoint,
    _daic,
    _daic_write,
    _edaic,
    _edaic_row,
    _evaluate_edited,
    _extract_failure,
    _fifo,
    _inspect,
    _label,
    _member,
    _nan_last,
    _nan_weights,
    _no_nan_intervals,
    _nonfinite_stale,
    _not_pwned,
    _pickle_payload,
    _rec,
    _reported,
    _resume,
    _sessions,
    _skipped,
    _train,
    _transcript_row,
    _truncate,
    cfg,
)

RANDOM = bytes(range(256)) * 16  # deterministic "random" bytes


def _both(*checks):
    def check(res: Result):
        return next((why for c in checks if (why := c(res)) is not None), None)

    return check


def _read_or_skipped(pid: str, word: str):
    """A truncated or odd file: either read, or skipped with a reason naming ``word``."""

    def check(res: Result):
        out = res.json()
        if pid in [s["session_id"] for s in out.get("sessions", [])]:
            return None
        reasons = [s["reason"] for s in out.get("skipped", []) if s["session_id"] == pid]
        if reasons and word.lower() in reasons[0].lower():
            return None
        return f"session {pid} neither read nor skipped naming {word}"

    return check


def _bomb_ok(res: Result):
    out = res.json()
    if "402" in [s["session_id"] for s in out.get("sessions", [])]:
        return None
    return _skipped("402", "MB")(res)


def _short_message(limit: int):
    def check(res: Result):
        return None if len(res.stderr) <= limit else f"message of {len(res.stderr)} characters"

    return check


def _trained(res: Result):
    return None if "trained on" in res.stdout else "no training summary printed"


def _extracted(n: int):
    def check(res: Result):
        got = res.json().get("sessions_processed")
        return None if got == n else f"{got} sessions extracted, expected {n}"

    return check


def _latin1(data: bytes) -> bytes:
    return data.decode("utf-8").replace("thanks", "merci, café").encode("latin-1")


def _shuffle_rows(data: bytes) -> bytes:
    head, *rows = data.decode().strip("\n").split("\n")
    return ("\n".join([head, *rows[::-1]]) + "\n").encode()


def _crcrlf(data: bytes) -> bytes:
    return data.replace(b"\n", b"\r\r\n")


def _drop_participant(data: bytes) -> bytes:
    rows = data.decode().split("\n")
    return "\n".join(r for r in rows if "\tParticipant\t" not in r).encode()


def _cell(data: bytes, row: int, col: int, value: str, sep: str = ",") -> bytes:
    lines = data.decode().split("\n")
    cells = lines[row].split(sep)
    cells[col] = value
    lines[row] = sep.join(cells)
    return "\n".join(lines).encode()


def _extra_cell(data: bytes) -> bytes:
    lines = data.decode().split("\n")
    lines[40] += ", 1"
    return "\n".join(lines).encode()


def _train_row(edit):
    """Edit the 303 row of the train label file: ``edit(cells) -> cells``."""

    def apply(data: bytes) -> bytes:
        lines = data.decode().split("\n")
        i = next(i for i, line in enumerate(lines) if line.startswith("303,"))
        lines[i] = ",".join(edit(lines[i].rstrip("\r").split(","))) + "\r"
        return "\n".join(lines).encode()

    return apply


def _set(index: int, value: str):
    def edit(cells):
        cells[index] = value
        return cells

    return edit


def _items(values):
    """PHQ-8 items (columns 4-11 of the train file) set to ``values``."""

    def edit(cells):
        cells[4:12] = [str(v) for v in values]
        return cells

    return edit


def _dup_303(score: str | None):
    """Append a second row for 303 (its score replaced by ``score``, or the same row)."""

    def apply(data: bytes) -> bytes:
        lines = data.decode().split("\n")
        row = next(line for line in lines if line.startswith("303,")).rstrip("\r").split(",")
        row[2] = row[2] if score is None else score
        return (data.decode().rstrip("\r\n") + "\r\n" + ",".join(row) + "\r\n").encode()

    return apply


def _also_in_dev(folder: Path) -> None:
    train = (folder / TRAIN_LABELS).read_text()
    row = next(line for line in train.splitlines() if line.startswith("303,"))
    dev = folder / DEV_LABELS
    dev.write_text(dev.read_text().rstrip("\n") + "\n" + row + "\n")


def _symlink(relative: str, target: str):
    def edit(folder: Path) -> None:
        path = folder / relative
        path.unlink()
        path.symlink_to(target)

    return edit


def _directory(relative: str):
    def edit(folder: Path) -> None:
        path = folder / relative
        path.unlink()
        path.mkdir()

    return edit


def _write(relative: str, data: bytes):
    def edit(folder: Path) -> None:
        (folder / relative).write_bytes(data)

    return edit


def _edit_file(relative: str, edit):
    def apply(folder: Path) -> None:
        path = folder / relative
        path.write_bytes(edit(path.read_bytes()))

    return apply


def _nan_wav(folder: Path) -> None:
    import numpy as np
    import soundfile as sf

    y = np.zeros(25 * 16000, dtype=np.float32)  # as long as the transcript
    y[100] = np.nan
    sf.write(folder / "s01" / "audio.wav", y, 16000, subtype="FLOAT")


def _one_session(edit=None):
    """A recordings corpus with s01 only, edited by ``edit``."""

    def apply(folder: Path) -> None:
        import shutil

        shutil.rmtree(folder / "s03")
        if edit is not None:
            edit(folder)

    return apply


def _bomb_config() -> str:
    """A billion-laughs value: nine levels of nine aliases, every level defined inside the
    one value, so only a bound on alias expansion stops it (about 0.4 KB of YAML)."""
    levels = ['&a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        levels.append(f"&{name} [{','.join(['*' + prev] * 9)}]")
    return "model:\n  fusion: [" + ", ".join(levels) + "]\n"


def _hour(work: Path, shared) -> list[str]:
    folder = rc.hour_long_session(work / "corpus")
    return ["extract", str(folder), "--out", str(work / "features"), "--json"]


def _config_path(kind: str):
    def build(work: Path, shared) -> list[str]:
        path = work / "cfg"
        if kind == "dir":
            path.mkdir()
        elif kind == "fifo":
            os.mkfifo(path)
        return ["train", "--config", str(path), "--out", str(work / "run"), "--data", rc.DATA]

    return build


def _ck(kind: str):
    def build(work: Path, shared) -> list[str]:
        path = work / "model.pt"
        if kind == "dir":
            path.mkdir()
        elif kind == "fifo":
            os.mkfifo(path)
        return ["evaluate", "--checkpoint", str(path), "--json"]

    return build


def _not_a_dict(src: Path, dst: Path) -> None:
    import torch

    torch.save([1, 2, 3], dst)


def _evaluate(*extra: str):
    def build(work: Path, shared) -> list[str]:
        return ["evaluate", "--checkpoint", str(shared.run() / "best.pt"), *extra]

    return build


def _evaluate_on_edaic(work: Path, shared) -> list[str]:
    folder = rc.edaic(work / "corpus")
    return ["evaluate", "--checkpoint", str(shared.run() / "best.pt"), "--data", str(folder),
            "--split", "dev", "--n-boot", "10"]  # fmt: skip


def _explain(*extra: str):
    def build(work: Path, shared) -> list[str]:
        return ["explain", "--checkpoint", str(shared.run() / "best.pt"), "--json", *extra]

    return build


def _extract_opts(*extra: str, out_file: bool = False):
    def build(work: Path, shared) -> list[str]:
        folder = rc.recordings(work / "corpus", ("s01",))
        out = work / "features.txt"
        if out_file:
            out.write_text("not a folder\n")
        return ["extract", str(folder), "--out", str(out), "--json", *extra]

    return build


def _cfg_file(text: str | bytes):
    def build(work: Path, shared) -> list[str]:
        work.mkdir(parents=True, exist_ok=True)
        path = work / "small.yaml"
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
        return ["train", "--config", str(path), "--out", str(work / "run"), "--data", rc.DATA,
                "--quiet"]  # fmt: skip

    return build


COV = "_COVAREP.csv"
TR = "_TRANSCRIPT.csv"
ZERO_ROW = b"0," * 73 + b"0\n"
A, T, L, E, R, M, C, K, O = (
    "archives", "tables", "labels", "edaic", "recordings", "media", "configs",
    "checkpoints", "options",
)  # fmt: skip


def _not_regular_files(prefix: str, group, option: str, make, needle: str) -> list[Case]:
    """``option`` naming a directory, a FIFO (must not hang) and nothing: each one line
    that names the path (and, for the first two, says it is not a regular file)."""
    return [
        Case(f"{prefix}-dir", group, f"{option} naming a directory", make("dir"),
             needles=(needle, "regular file")),
        Case(f"{prefix}-fifo", group, f"{option} naming a FIFO", make("fifo"),
             needles=(needle, "regular file"), timeout=30),
        Case(f"{prefix}-missing", group, f"{option} naming no file", make("missing"),
             needles=(needle,)),
    ]  # fmt: skip


def _bad_train_row(name: str, what: str, edit, word: str) -> Case:
    """Participant 303's training-label row edited: read with a warning that names 303
    and ``word``; 303 is reported and not read, 402 still is."""
    return Case(
        name,
        L,
        what,
        _label(TRAIN_LABELS, _train_row(edit)),
        "ok",
        check=_both(_reported("303", word, read=False), _has("402")),
        warn=True,
    )


def catalogue() -> list[Case]:
    cases = [
        # ---------------------------------------------------------------- archives
        Case(
            "zip-crc",
            A,
            "a session zip member with a CRC error (damaged bytes)",
            _daic(lambda f: rc.flip_stored_bytes(f / "402_P.zip", COV)),
            "ok",
            check=_skipped("402", "402_COVAREP.csv"),
            warn=True,
        ),
        Case(
            "zip-crc-strict",
            A,
            "the same with --strict",
            _daic(lambda f: rc.flip_stored_bytes(f / "402_P.zip", COV), "--strict"),
            needles=("402_COVAREP.csv",),
        ),
        Case(
            "zip-encrypted",
            A,
            "an encrypted member in a session zip",
            _daic(lambda f: rc.patch_member_header(f / "402_P.zip", TR, flag=1)),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv", "encrypted"),
            warn=True,
        ),
        Case(
            "zip-method",
            A,
            "a member with an unsupported compression method",
            _daic(lambda f: rc.patch_member_header(f / "402_P.zip", "AUs.txt", method=99)),
            "ok",
            check=_skipped("402", "402_CLNF_AUs.txt", "compression"),
            warn=True,
        ),
        Case(
            "zip-truncated",
            A,
            "a session zip cut in half",
            _daic(lambda f: _truncate(f / "402_P.zip")),
            "ok",
            check=_skipped("402", "402_P.zip"),
            warn=True,
        ),
        Case(
            "zip-garbage",
            A,
            "a session zip that is not a zip file",
            _daic(lambda f: (f / "402_P.zip").write_bytes(RANDOM)),
            "ok",
            check=_skipped("402", "402_P.zip", "zip"),
            warn=True,
        ),
        Case(
            "zip-empty",
            A,
            "an empty session zip (0 bytes)",
            _daic(lambda f: (f / "402_P.zip").write_bytes(b"")),
            "ok",
            check=_skipped("402", "402_P.zip"),
            warn=True,
        ),
        Case(
            "zip-bomb",
            A,
            "a 400 KB zip whose COVAREP member inflates to 400 MB",
            _daic(lambda f: rc.bomb(f / "402_P.zip", COV, ZERO_ROW, 400)),
            "ok",
            check=_bomb_ok,
            warn=True,
            timeout=300,
            max_rss_mb=1000,
        ),
        Case(
            "zip-bomb-text",
            A,
            "a zip whose transcript member inflates to 300 MB",
            _daic(lambda f: rc.bomb(f / "402_P.zip", TR, b"1.0\t2.0\tParticipant\tyes\n", 300)),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv", "MB"),
            warn=True,
            timeout=300,
            max_rss_mb=1000,
        ),
        Case(
            "zip-limit",
            A,
            "a member over a configured size limit (--max-member-mb 2)",
            _daic(lambda f: rc.bomb(f / "402_P.zip", COV, ZERO_ROW, 3), "--max-member-mb", "2"),
            "ok",
            check=_skipped("402", "402_COVAREP.csv", "2 MB"),
            warn=True,
        ),
        Case(
            "zip-traversal",
            A,
            "a member named ../../../evil.txt (never extracted)",
            _daic(
                lambda f: rc.rezip(
                    f / "402_P.zip", {**rc.members(f / "402_P.zip"), "../../../evil.txt": b"x"}
                )
            ),
            "ok",
            check=_sessions("303", "402"),
        ),
        Case(
            "zip-duplicate",
            A,
            "two different members with the same transcript name",
            _daic(lambda f: _duplicate_member(f / "402_P.zip")),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv", "two different files"),
            warn=True,
        ),
        Case(
            "zip-fifo",
            A,
            "a FIFO named 402_P.zip",
            _daic(_fifo("402_P.zip")),
            "ok",
            check=_skipped("402", "402_P.zip", "regular file"),
            warn=True,
            timeout=30,
        ),
        Case(
            "folder-fifo",
            A,
            "a session folder whose COVAREP file is a FIFO",
            _daic(lambda f: _fifo("402_P/402_COVAREP.csv")(rc.unzip_session(f, "402").parent)),
            "ok",
            check=_skipped("402", "402_COVAREP.csv", "regular file"),
            warn=True,
            timeout=30,
        ),
        Case(
            "folder-device",
            A,
            "a session folder whose COVAREP file links to /dev/zero",
            _daic(
                lambda f: _symlink("402_P/402_COVAREP.csv", "/dev/zero")(
                    rc.unzip_session(f, "402").parent
                )
            ),
            "ok",
            check=_skipped("402", "402_COVAREP.csv", "regular file"),
            warn=True,
            timeout=30,
        ),
        Case(
            "folder-dir",
            A,
            "a session folder whose COVAREP 'file' is a directory",
            _daic(
                lambda f: _directory("402_P/402_COVAREP.csv")(rc.unzip_session(f, "402").parent)
            ),
            "ok",
            check=_skipped("402", "402_COVAREP.csv", "regular file"),
            warn=True,
        ),
        # ---------------------------------------------------------------- tables
        Case(
            "tr-beyond-media",
            T,
            "a transcript row far beyond the recording's end",
            _transcript_row("9999.0\t9999.5\tParticipant\tone more thing"),
            "ok",
            check=_reported("402", "after the end"),
            warn=True,
        ),
        Case(
            "tr-nan",
            T,
            "a transcript row with a NaN time",
            _transcript_row("nan\t5.0\tParticipant\tx"),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv", "line"),
            warn=True,
        ),
        Case(
            "tr-nan-strict",
            T,
            "the same with --strict",
            _transcript_row("nan\t5.0\tParticipant\tx", "--strict"),
            needles=("402_TRANSCRIPT.csv", "line"),
        ),
        Case(
            "tr-inf",
            T,
            "a transcript row with infinite times",
            _transcript_row("inf\tinf\tParticipant\tx"),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv", "line"),
            warn=True,
        ),
        Case(
            "tr-negative",
            T,
            "a transcript row with negative times",
            _transcript_row("-5.0\t-4.0\tParticipant\tx"),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv", "negative"),
            warn=True,
        ),
        Case(
            "tr-backwards",
            T,
            "a transcript row that stops before it starts",
            _transcript_row("50.0\t40.0\tParticipant\tx"),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv", "line"),
            warn=True,
        ),
        Case(
            "tr-speaker",
            T,
            "a transcript row by an unknown speaker",
            _transcript_row("50.0\t51.0\tNarrator\tx"),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv", "speaker"),
            warn=True,
        ),
        Case(
            "tr-header",
            T,
            "a transcript with another header",
            _member(TR, lambda d: rc.replace_line(d, 1, "start\tstop\twho\twhat")),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv", "header"),
            warn=True,
        ),
        Case(
            "tr-garbage",
            T,
            "a transcript of binary garbage",
            _member(TR, lambda d: RANDOM),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv"),
            warn=True,
        ),
        Case(
            "tr-utf16",
            T,
            "a transcript encoded as UTF-16",
            _member(TR, lambda d: d.decode().encode("utf-16")),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv"),
            warn=True,
        ),
        Case(
            "tr-latin1",
            T,
            "a Latin-1 transcript (accents)",
            _member(TR, _latin1),
            "ok",
            check=_sessions("303", "402"),
        ),
        Case(
            "tr-empty",
            T,
            "an empty transcript",
            _member(TR, lambda d: b""),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv"),
            warn=True,
        ),
        Case(
            "tr-only-ellie",
            T,
            "a transcript without participant rows",
            _member(TR, _drop_participant),
            "ok",
            check=_skipped("402", "participant"),
            warn=True,
        ),
        Case(
            "tr-missing",
            T,
            "a session zip without its transcript",
            _daic(
                lambda f: rc.rezip(
                    f / "402_P.zip",
                    {k: v for k, v in rc.members(f / "402_P.zip").items() if not k.endswith(TR)},
                )
            ),
            "ok",
            check=_skipped("402", "402_TRANSCRIPT.csv"),
            warn=True,
        ),
        Case(
            "tr-truncated",
            T,
            "a transcript cut in the middle of a row",
            _member(TR, lambda d: d[: len(d) - 9]),
            "ok",
            check=_read_or_skipped("402", "402_TRANSCRIPT.csv"),
        ),
        Case(
            "tr-shuffled",
            T,
            "transcript rows in reverse order",
            _member(TR, _shuffle_rows),
            "ok",
            check=_sessions("303", "402"),
        ),
        Case(
            "tr-crcrlf",
            T,
            "a transcript with CR CR LF line endings",
            _member(TR, _crcrlf),
            "ok",
            check=_sessions("303", "402"),
        ),
        Case(
            "cov-columns",
            T,
            "a COVAREP row with 73 columns",
            _member(COV, lambda d: rc.replace_line(d, 50, "0," * 72 + "0")),
            "ok",
            check=_skipped("402", "402_COVAREP.csv", "column"),
            warn=True,
        ),
        Case(
            "cov-text",
            T,
            "a COVAREP cell that is not a number",
            _member(COV, lambda d: _cell(d, 49, 3, "abc")),
            "ok",
            check=_skipped("402", "402_COVAREP.csv", "line"),
            warn=True,
        ),
        Case(
            "cov-empty",
            T,
            "an empty COVAREP file",
            _member(COV, lambda d: b""),
            "ok",
            check=_skipped("402", "402_COVAREP.csv"),
            warn=True,
        ),
        Case(
            "clnf-header",
            T,
            "a CLNF file with a renamed column",
            _member("AUs.txt", lambda d: d.replace(b"AU01_r", b"AU1_r", 1)),
            "ok",
            check=_skipped("402", "402_CLNF_AUs.txt", "AU01_r"),
            warn=True,
        ),
        Case(
            "clnf-cells",
            T,
            "a CLNF row with one cell too many",
            _member("pose.txt", _extra_cell),
            "ok",
            check=_skipped("402", "402_CLNF_pose.txt"),
            warn=True,
        ),
        # ---------------------------------------------------------------- labels
        Case(
            "lab-dup-conflict",
            L,
            "one participant twice in a label file, two scores",
            _label(TRAIN_LABELS, _dup_303("20")),
            "ok",
            check=_both(_reported("303", "303", read=False), _has("402")),
            warn=True,
        ),
        Case(
            "lab-dup-same",
            L,
            "one participant twice with the same row",
            _label(TRAIN_LABELS, _dup_303(None)),
            "ok",
            check=_sessions("303", "402"),
        ),
        Case(
            "lab-two-splits",
            L,
            "one participant in the train and the dev file",
            _daic(_also_in_dev),
            "ok",
            check=_both(_reported("303", "dev", read=False), _has("402")),
            warn=True,
        ),
        _bad_train_row(
            "lab-item-range",
            "a PHQ-8 item of 5 (items are 0..3)",
            _items([5, 0, 0, 0, 0, 0, 0, 0]),
            "item",
        ),
        _bad_train_row(
            "lab-item-sum",
            "PHQ-8 items that do not add up to the total",
            _items([3, 3, 3, 3, 0, 0, 0, 0]),
            "sum",
        ),
        _bad_train_row("lab-score-range", "a PHQ-8 score of 30", _set(2, "30"), "24"),
        _bad_train_row(
            "lab-score-text", "a PHQ-8 score that is not a number", _set(2, "high"), "high"
        ),
        _bad_train_row("lab-binary", "a binary label of 2", _set(1, "2"), "binary"),
        _bad_train_row("lab-gender", "a gender cell 'x'", _set(3, "x"), "gender"),
        _bad_train_row("lab-cells", "a label row with too few cells", lambda c: c[:3], "cells"),
        Case(
            "lab-pid-text",
            L,
            "a label row whose participant id is not a number",
            _label(TRAIN_LABELS, lambda d: d + b"abc,0,4,1,0,0,0,0,0,0,0,0\r\n"),
            "ok",
            check=_both(_warned(TRAIN_LABELS, "abc"), _has("303"), _has("402")),
            warn=True,
        ),
        Case(
            "lab-header",
            L,
            "a label file without a Participant_ID column",
            _label(TRAIN_LABELS, lambda d: d.replace(b"Participant_ID", b"Person", 1)),
            needles=(TRAIN_LABELS, "Participant_ID"),
        ),
        Case(
            "lab-garbage",
            L,
            "a label file of binary garbage",
            _label(TRAIN_LABELS, lambda d: RANDOM),
            needles=(TRAIN_LABELS,),
        ),
        Case(
            "lab-utf16",
            L,
            "a label file encoded as UTF-16",
            _label(TRAIN_LABELS, lambda d: d.decode().encode("utf-16")),
            needles=(TRAIN_LABELS,),
        ),
        Case(
            "lab-binary-quirk",
            L,
            "the official binary label that disagrees with its score",
            _daic(lambda f: None),
            "ok",
            check=_reported("321", "binary_in_file", read=False),
            warn=True,
        ),
        # ---------------------------------------------------------------- E-DAIC
        Case(
            "ed-nan",
            E,
            "an E-DAIC transcript row with a NaN time",
            _edaic_row("nan,5.0,hello,0.9"),
            "ok",
            check=_skipped("601", "601_Transcript.csv", "line"),
            warn=True,
        ),
        Case(
            "ed-inf",
            E,
            "an E-DAIC transcript row with infinite times",
            _edaic_row("inf,inf,hello,0.9"),
            "ok",
            check=_skipped("601", "601_Transcript.csv", "line"),
            warn=True,
        ),
        Case(
            "ed-negative",
            E,
            "an E-DAIC transcript row with negative times",
            _edaic_row("-3.0,-2.0,hello,0.9"),
            "ok",
            check=_skipped("601", "601_Transcript.csv", "negative"),
            warn=True,
        ),
        Case(
            "ed-beyond-media",
            E,
            "an E-DAIC transcript row far beyond the recording",
            _edaic_row("9999.0,9999.5,hello,0.9"),
            "ok",
            check=_reported("601", "after the end"),
            warn=True,
        ),
        Case(
            "ed-openface-column",
            E,
            "an OpenFace file without its success column",
            _edaic(
                _edit_file(
                    "601_P/features/601_OpenFace2.1.0_Pose_gaze_AUs.csv",
                    lambda d: d.replace(b"success", b"succes", 1),
                )
            ),
            "ok",
            check=_skipped("601", "OpenFace", "success"),
            warn=True,
        ),
        Case(
            "ed-smile-text",
            E,
            "an eGeMAPS cell that is not a number",
            _edaic(
                _edit_file(
                    "601_P/features/601_OpenSMILE2.3.0_egemaps.csv",
                    lambda d: _cell(d, 30, 4, "abc", ";"),
                )
            ),
            "ok",
            check=_skipped("601", "egemaps"),
            warn=True,
        ),
        Case(
            "ed-garbage",
            E,
            "an E-DAIC transcript of binary garbage",
            _edaic(lambda f: rc.edaic_transcript(f).write_bytes(RANDOM)),
            "ok",
            check=_skipped("601", "601_Transcript.csv"),
            warn=True,
        ),
        Case(
            "ed-fifo",
            E,
            "an E-DAIC OpenFace file that is a FIFO",
            _edaic(_fifo("601_P/features/601_OpenFace2.1.0_Pose_gaze_AUs.csv")),
            "ok",
            check=_skipped("601", "OpenFace", "regular file"),
            warn=True,
            timeout=30,
        ),
        Case(
            "ed-label-dup",
            E,
            "an E-DAIC participant twice with two scores",
            _edaic(_edit_file("train_split.csv", lambda d: d + b"600,male,1,15,0,25\r\n")),
            "ok",
            check=_both(_reported("600", "600", read=False), _has("601")),
            warn=True,
        ),
        # ---------------------------------------------------------------- own recordings
        Case(
            "rec-latin1",
            R,
            "a Latin-1 transcript in own recordings",
            _rec(_edit_file("s01/transcript.csv", _latin1)),
            "ok",
            check=_sessions("s01", "s03"),
        ),
        Case(
            "rec-nan",
            R,
            "an own-recordings transcript row with a NaN time",
            _rec(_edit_file("s01/transcript.csv", lambda d: d + b"nan,3.0,Participant,x\n")),
            "ok",
            check=_skipped("s01", "transcript.csv", "line"),
            warn=True,
        ),
        Case(
            "rec-negative",
            R,
            "an own-recordings transcript row with negative times",
            _rec(_edit_file("s01/transcript.csv", lambda d: d + b"-3,-2,Participant,x\n")),
            "ok",
            check=_skipped("s01", "transcript.csv", "negative"),
            warn=True,
        ),
        Case(
            "rec-beyond-media",
            R,
            "an own-recordings row far beyond the audio's end",
            _rec(_edit_file("s01/transcript.csv", lambda d: d + b"9999.0,9999.5,Participant,x\n")),
            "ok",
            check=_reported("s01", "after the end"),
            warn=True,
        ),
        Case(
            "rec-label-dup",
            R,
            "labels.csv with one session twice, two scores",
            _rec(_edit_file("labels.csv", lambda d: d + b"s01,20,1,1,train\n")),
            "ok",
            check=_both(_reported("s01", "twice", read=False), _has("s03")),
            warn=True,
        ),
        Case(
            "rec-label-score",
            R,
            "labels.csv with a score that is not a number",
            _rec(_edit_file("labels.csv", lambda d: d.replace(b"s01,3,", b"s01,x,"))),
            "ok",
            check=_both(_reported("s01", "number", read=False), _has("s03")),
            warn=True,
        ),
        Case(
            "rec-transcript-fifo",
            R,
            "an own-recordings transcript that is a FIFO",
            _rec(_fifo("s01/transcript.csv")),
            "ok",
            check=_skipped("s01", "transcript.csv", "regular file"),
            warn=True,
            timeout=30,
        ),
        Case(
            "rec-transcript-garbage",
            R,
            "an own-recordings transcript of garbage",
            _rec(_write("s01/transcript.csv", RANDOM)),
            "ok",
            check=_skipped("s01", "transcript.csv"),
            warn=True,
        ),
        Case(
            "rec-labels-fifo",
            R,
            "labels.csv that is a FIFO",
            _rec(_fifo("labels.csv")),
            needles=("labels.csv", "regular file"),
            timeout=30,
        ),
        # ---------------------------------------------------------------- media
        Case(
            "med-audio-fifo",
            M,
            "audio.wav is a FIFO (extract)",
            _rec(_one_session(_fifo("s01/audio.wav")), "extract"),
            "ok",
            returncode=1,
            check=_extract_failure("audio.wav", "regular file"),
            warn=True,
            timeout=120,
        ),
        Case(
            "med-audio-fifo-strict",
            M,
            "audio.wav is a FIFO (extract --strict)",
            _rec(_one_session(_fifo("s01/audio.wav")), "extract", "--strict"),
            needles=("audio.wav", "regular file"),
            timeout=120,
        ),
        Case(
            "med-video-fifo",
            M,
            "video.mp4 is a FIFO (extract)",
            _rec(_one_session(_fifo("s01/video.mp4")), "extract"),
            "ok",
            returncode=1,
            check=_extract_failure("video.mp4", "regular file"),
            warn=True,
            timeout=120,
        ),
        Case(
            "med-video-fifo-strict",
            M,
            "video.mp4 is a FIFO (extract --strict)",
            _rec(_one_session(_fifo("s01/video.mp4")), "extract", "--strict"),
            needles=("video.mp4", "regular file"),
            timeout=120,
        ),
        Case(
            "med-audio-dir",
            M,
            "audio.wav is a directory",
            _rec(_one_session(_directory("s01/audio.wav")), "extract"),
            "ok",
            returncode=1,
            check=_extract_failure("audio.wav", "regular file"),
            warn=True,
            timeout=120,
        ),
        Case(
            "med-audio-device",
            M,
            "audio.wav links to /dev/zero",
            _rec(_one_session(_symlink("s01/audio.wav", "/dev/zero")), "extract"),
            "ok",
            returncode=1,
            check=_extract_failure("audio.wav", "regular file"),
            warn=True,
            timeout=120,
        ),
        Case(
            "med-audio-garbage",
            M,
            "audio.wav of binary garbage",
            _rec(_one_session(_write("s01/audio.wav", RANDOM)), "extract"),
            "ok",
            returncode=1,
            check=_extract_failure("audio.wav", "audio"),
            warn=True,
            timeout=120,
        ),
        Case(
            "med-audio-nan",
            M,
            "a float audio.wav holding a NaN sample",
            _rec(_one_session(_nan_wav), "extract"),
            "ok",
            returncode=1,
            check=_extract_failure("audio.wav", "nan"),
            warn=True,
            timeout=120,
        ),
        Case(
            "med-video-garbage",
            M,
            "video.mp4 of binary garbage",
            _rec(_one_session(_write("s01/video.mp4", RANDOM)), "extract"),
            "ok",
            returncode=1,
            check=_extract_failure("video.mp4", "video"),
            warn=True,
            timeout=120,
        ),
        Case(
            "med-latin1",
            M,
            "a Latin-1 transcript (extract)",
            _rec(_one_session(_edit_file("s01/transcript.csv", _latin1)), "extract"),
            "ok",
            check=_extracted(1),
            timeout=120,
        ),
        Case(
            "med-hour",
            M,
            "an hour of 16 kHz audio (extract, no video)",
            _hour,
            "ok",
            returncode=1,
            check=_extracted(1),
            warn=True,
            timeout=600,
            max_rss_mb=1000,
        ),
        Case(
            "ext-max-fps-0",
            M,
            "extract --max-fps 0",
            _extract_opts("--max-fps", "0"),
            needles=("--max-fps",),
        ),
        Case(
            "ext-out-file",
            M,
            "extract --out naming an existing file",
            _extract_opts(out_file=True),
            needles=("features.txt",),
        ),
        Case(
            "ext-jobs-0",
            M,
            "extract --jobs 0",
            _extract_opts("--jobs", "0"),
            needles=("--jobs", "1"),
        ),
        # ---------------------------------------------------------------- configs
        Case(
            "cfg-bool-false",
            C,
            'center_turns: "false" (a string)',
            _train(cfg(model='  center_turns: "false"\n')),
            needles=("model.center_turns",),
        ),
        Case(
            "cfg-bool-no",
            C,
            'center_turns: "no" (a string)',
            _train(cfg(model='  center_turns: "no"\n')),
            needles=("model.center_turns",),
        ),
        Case(
            "cfg-bool-int",
            C,
            "center_turns: 1",
            _train(cfg(model="  center_turns: 1\n")),
            needles=("model.center_turns",),
        ),
        Case(
            "cfg-number-string",
            C,
            'lr: "0.001" (a string)',
            _train(cfg(train='  lr: "0.001"\n')),
            needles=("train.lr",),
        ),
        Case(
            "cfg-number-word",
            C,
            "lr: fast",
            _train(cfg(train="  lr: fast\n")),
            needles=("train.lr",),
        ),
        Case(
            "cfg-lr-nan", C, "lr: .nan", _train(cfg(train="  lr: .nan\n")), needles=("train.lr",)
        ),
        Case(
            "cfg-lr-inf", C, "lr: .inf", _train(cfg(train="  lr: .inf\n")), needles=("train.lr",)
        ),
        Case(
            "cfg-alpha-nan",
            C,
            "alpha: .nan",
            _train(cfg(objective="  alpha: .nan\n")),
            needles=("objective.alpha",),
        ),
        Case(
            "cfg-beta-inf",
            C,
            "beta: .inf",
            _train(cfg(objective="  beta: .inf\n")),
            needles=("objective.beta",),
        ),
        Case(
            "cfg-dropout-nan",
            C,
            "dropout: .nan",
            _train(cfg(model="  dropout: .nan\n")),
            needles=("model.dropout",),
        ),
        Case(
            "cfg-clamp-string",
            C,
            'label_clamp: "3"',
            _train(cfg(objective='  label_clamp: "3"\n')),
            needles=("objective.label_clamp",),
        ),
        Case(
            "cfg-epochs-float",
            C,
            "epochs: 2.5",
            _train(cfg(train="  epochs: 2.5\n")),
            needles=("train.epochs",),
        ),
        Case(
            "cfg-epochs-bool",
            C,
            "epochs: true",
            _train(cfg(train="  epochs: true\n")),
            needles=("train.epochs",),
        ),
        Case(
            "cfg-modalities-string",
            C,
            "modalities: text (not a list)",
            _train(cfg(model="  modalities: text\n")),
            needles=("model.modalities",),
        ),
        Case(
            "cfg-device-int",
            C,
            "device: 3",
            _train(cfg(train="  device: 3\n")),
            needles=("train.device",),
        ),
        Case(
            "cfg-alias-bomb",
            C,
            "a YAML alias bomb (billion laughs, under 1 KB)",
            _cfg_file(_bomb_config()),
            needles=("small.yaml",),
            check=_short_message(400),
        ),
        Case(
            "cfg-huge",
            C,
            "a 20 MB config file",
            _cfg_file("# x\n" * 5_000_000),
            needles=("small.yaml",),
        ),
        Case(
            "cfg-python-tag",
            C,
            "a YAML python tag that would run a command",
            _cfg_file("model: !!python/object/apply:os.system ['touch PWNED']\n"),
            needles=("small.yaml",),
            check=_not_pwned,
        ),
        Case(
            "cfg-not-mapping",
            C,
            "a config that is a list",
            _cfg_file("- a\n- b\n"),
            needles=("small.yaml",),
        ),
        Case(
            "cfg-section-list",
            C,
            "a section that is a list",
            _cfg_file("model: [1, 2]\n"),
            needles=("small.yaml", "model"),
        ),
        Case(
            "cfg-syntax",
            C,
            "a config with a YAML syntax error",
            _cfg_file("model: {d_h: 8\n"),
            needles=("small.yaml",),
        ),
        Case(
            "cfg-binary",
            C,
            "a config of binary garbage",
            _cfg_file(RANDOM),
            needles=("small.yaml",),
        ),
        Case(
            "cfg-unknown-key",
            C,
            "an unknown key (fusoin)",
            _cfg_file("model: {fusoin: gated}\n"),
            needles=("fusoin",),
        ),
        *_not_regular_files("cfg", C, "--config", _config_path, "cfg"),
        Case(
            "cfg-yaml-no",
            C,
            "center_turns: no (a YAML boolean)",
            _train(cfg(model="  center_turns: no\n")),
            "ok",
            check=_trained,
            timeout=180,
        ),
        Case(
            "cfg-1e-3",
            C,
            "lr: 1e-3 (a float that YAML 1.1 reads as a string)",
            _train(cfg(train="  lr: 1e-3\n")),
            "ok",
            check=_trained,
            timeout=180,
        ),
        # ---------------------------------------------------------------- training, checkpoints
        Case(
            "train-nonfinite",
            K,
            "a learning rate that makes the loss non-finite",
            _train(cfg(train="  lr: 1.0e+30\n")),
            needles=("non-finite", "no checkpoint"),
            check=_claims_no_checkpoint,
            timeout=180,
        ),
        Case(
            "train-nonfinite-stale",
            K,
            "the same into a folder with an earlier run's files",
            _nonfinite_stale,
            needles=("non-finite", "no checkpoint"),
            check=_claims_no_checkpoint,
            timeout=180,
        ),
        Case(
            "train-n-boot-0",
            K,
            "train --n-boot 0",
            _train(cfg(), "--n-boot", "0"),
            "ok",
            check=_no_nan_intervals,
            timeout=180,
        ),
        Case(
            "eval-n-boot-0",
            K,
            "evaluate --n-boot 0",
            _evaluate("--n-boot", "0"),
            "ok",
            check=_no_nan_intervals,
        ),
        Case(
            "eval-n-boot-negative",
            K,
            "evaluate --n-boot -5",
            _evaluate("--n-boot", "-5"),
            needles=("--n-boot",),
        ),
        Case(
            "ck-nan",
            K,
            "evaluate a checkpoint with NaN weights",
            _evaluate_edited(_nan_weights),
            needles=("edited.pt", "not finite"),
        ),
        Case(
            "ck-nan-explain",
            K,
            "explain a checkpoint with NaN weights",
            _evaluate_edited(_nan_weights, "explain"),
            needles=("edited.pt", "not finite"),
        ),
        Case(
            "ck-truncated",
            K,
            "a checkpoint cut in half",
            _checkpoint_file(lambda s, d: d.write_bytes(s.read_bytes()[: s.stat().st_size // 2])),
            needles=("model.pt",),
        ),
        Case(
            "ck-garbage",
            K,
            "a checkpoint of binary garbage",
            _checkpoint_file(lambda s, d: d.write_bytes(RANDOM)),
            needles=("model.pt",),
        ),
        Case(
            "ck-empty",
            K,
            "an empty checkpoint file",
            _checkpoint_file(lambda s, d: d.write_bytes(b"")),
            needles=("model.pt",),
        ),
        Case(
            "ck-pickle",
            K,
            "a pickled payload that would run a command",
            _pickle_payload,
            needles=("payload.pt",),
            check=_not_pwned,
        ),
        Case(
            "ck-not-dict",
            K,
            "a checkpoint holding a list",
            _checkpoint_file(_not_a_dict),
            needles=("model.pt",),
        ),
        Case(
            "ck-format",
            K,
            "a checkpoint of another format version",
            _evaluate_edited(lambda c: c.update(format="mimml-edu/1")),
            needles=("edited.pt", "format"),
        ),
        Case(
            "ck-config-mismatch",
            K,
            "weights that do not fit the checkpoint's config",
            _evaluate_edited(lambda c: c["config"]["model"].update(d_h=16)),
            needles=("edited.pt", "fit"),
        ),
        Case(
            "ck-config-bad",
            K,
            "a checkpoint whose config has lr 'fast'",
            _evaluate_edited(lambda c: c["config"]["train"].update(lr="fast")),
            needles=("edited.pt", "train.lr"),
        ),
        Case(
            "ck-data-not-dict",
            K,
            "a checkpoint whose data record is a string",
            _evaluate_edited(lambda c: c.update(data="synthetic")),
            needles=("edited.pt",),
        ),
        *_not_regular_files("ck", K, "--checkpoint", _ck, "model.pt"),
        Case(
            "ck-widths",
            K,
            "evaluate on data with other feature widths (E-DAIC's audio)",
            _evaluate_on_edaic,
            needles=("feature widths",),
        ),
        Case(
            "res-other-data",
            K,
            "--resume on other data",
            _resume(None, data="synthetic:n=40,seed=4"),
            needles=("last.pt", "same data"),
        ),
        Case(
            "res-nan",
            K,
            "--resume from a last.pt with NaN weights",
            _resume(_nan_last),
            needles=("last.pt", "not finite"),
        ),
        Case(
            "res-truncated",
            K,
            "--resume from a truncated last.pt",
            _resume(_truncate),
            needles=("last.pt",),
        ),
        Case(
            "res-config",
            K,
            "--resume with another config",
            _resume(None, config=rc.SMALL_CONFIG.replace("d_h: 8", "d_h: 16")),
            needles=("last.pt", "config"),
        ),
        Case(
            "res-kind",
            K,
            "--resume from a model checkpoint (best.pt as last.pt)",
            _resume(lambda p: p.write_bytes((p.parent / "best.pt").read_bytes())),
            needles=("last.pt", "resum"),
        ),
        # ---------------------------------------------------------------- options
        Case(
            "opt-threads-0", O, "--threads 0", _evaluate("--threads", "0"), needles=("--threads",)
        ),
        Case(
            "opt-n-boot-text",
            O,
            "--n-boot abc",
            _evaluate("--n-boot", "abc"),
            needles=("--n-boot",),
        ),
        Case("opt-split", O, "--split nope", _evaluate("--split", "nope"), needles=("--split",)),
        Case(
            "opt-data-n0",
            O,
            "--data synthetic:n=0",
            _evaluate("--data", "synthetic:n=0"),
            needles=("n must be",),
        ),
        Case(
            "opt-data-missing",
            O,
            "--data naming no folder",
            _evaluate("--data", "/nonexistent/corpus"),
            needles=("/nonexistent/corpus",),
        ),
        Case(
            "opt-steps-0",
            O,
            "explain --n-steps 0",
            _explain("--n-steps", "0"),
            needles=("--n-steps",),
        ),
        Case(
            "opt-ig-nan",
            O,
            "explain --ig-tolerance nan",
            _explain("--ig-tolerance", "nan"),
            needles=("--ig-tolerance",),
        ),
        Case(
            "opt-sessions-0",
            O,
            "demo --sessions 0",
            lambda w, s: ["demo", "--sessions", "0", "--json"],
            needles=("--sessions",),
        ),
        Case(
            "opt-seconds-nan",
            O,
            "demo --max-seconds nan",
            lambda w, s: ["demo", "--max-seconds", "nan", "--json"],
            needles=("--max-seconds",),
        ),
        Case(
            "opt-inspect-missing",
            O,
            "inspect naming no folder",
            lambda w, s: _inspect(w / "nope"),
            needles=("nope",),
        ),
        Case(
            "opt-format",
            O,
            "inspect --format foo",
            lambda w, s: _inspect(rc.SAMPLES, "--format", "foo"),
            needles=("foo",),
        ),
        Case(
            "opt-daic-new",
            O,
            "a freshly written DAIC-WOZ session folder (control)",
            _daic_write(lambda p: None),
            "ok",
            check=_sessions("303", "402"),
        ),
    ]
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases


def _has(pid: str):
    def check(res: Result):
        read = [s["session_id"] for s in res.json().get("sessions", [])]
        return None if pid in read else f"session {pid} was not read"

    return check


def _warned(*words: str):
    def check(res: Result):
        warnings = res.json().get("warnings", [])
        hit = [w for w in warnings if all(x.lower() in w.lower() for x in words)]
        return None if hit else f"no warning with {words}"

    return check


def _duplicate_member(path: Path) -> None:
    import zipfile

    files = rc.members(path)
    name = next(n for n in files if n.endswith(TR))
    rc.rezip(path, files)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "a") as z:
            z.writestr(name, b"start_time\tstop_time\tspeaker\tvalue\n1.0\t2.0\tParticipant\thi\n")
