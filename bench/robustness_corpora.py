"""Valid corpora and the tools that break them, for the catalogue of ``bench/robustness.py``.

Every function writes into a folder it is given and returns paths; nothing here runs a
command. The valid inputs are the shipped samples (``data_samples/``) and the package's
own writers of the DAIC-WOZ and E-DAIC layouts, so a row that breaks one thing keeps every
other thing as valid as the real corpora.
"""

from __future__ import annotations

import shutil
import struct
import wave
import zipfile
from pathlib import Path

import numpy as np

from mimml_edu.data.layouts import write_edaic_labels, write_edaic_session
from mimml_edu.data.samples import shipped_daicwoz

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data_samples" / "raw"
SAMPLES = shipped_daicwoz()
SMALL_CONFIG = "model: {d_proj: 8, d_h: 8, d_z: 16}\ntrain: {epochs: 1, k: 8, batch_size: 32}\n"
DATA = "synthetic:n=40,seed=3"


# ------------------------------------------------------------------ DAIC-WOZ
def daicwoz(folder: Path) -> Path:
    """A DAIC-WOZ folder: sessions 303 (train) and 402 (dev) as zips, the four label files."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("303_P.zip", "402_P.zip"):
        shutil.copy(SAMPLES / name, folder / name)
    for label in SAMPLES.glob("*.csv"):
        shutil.copy(label, folder / label.name)
    return folder


def members(path: Path) -> dict[str, bytes]:
    """name -> bytes of every member of a session zip."""
    with zipfile.ZipFile(path) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def rezip(path: Path, files: dict[str, bytes], *, stored: tuple[str, ...] = ()) -> Path:
    """Write ``files`` as the zip ``path`` (deflated, except names in ``stored``)."""
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            method = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            z.writestr(zipfile.ZipInfo(name, (2016, 1, 1, 0, 0, 0)), data, compress_type=method)
    return path


def edit_member(path: Path, suffix: str, edit) -> Path:
    """Replace the member whose name ends with ``suffix`` by ``edit(bytes)``."""
    files = members(path)
    name = next(n for n in files if n.endswith(suffix))
    files[name] = edit(files[name])
    return rezip(path, files)


def patch_member_header(path: Path, suffix: str, *, flag: int = 0, method: int | None = None):
    """Set a general-purpose flag bit or the compression method of one member, in both its
    local header and the central directory (what an encrypted or exotic zip has)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = next(i for i in z.infolist() if i.filename.endswith(suffix))
    local = info.header_offset
    central = pos = 0
    while True:  # the central entry of this member: its name follows the fixed 46 bytes
        pos = data.find(b"PK\x01\x02", pos)
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if data[pos + 46 : pos + 46 + name_len].decode() == info.filename:
            central = pos
            break
        pos += 4
    for base, flag_at, method_at in ((local, 6, 8), (central, 8, 10)):
        if flag:
            value = struct.unpack_from("<H", data, base + flag_at)[0] | flag
            struct.pack_into("<H", data, base + flag_at, value)
        if method is not None:
            struct.pack_into("<H", data, base + method_at, method)
    path.write_bytes(bytes(data))
    return path


def flip_stored_bytes(path: Path, suffix: str) -> Path:
    """Store the member uncompressed and flip bytes in the middle of its data (CRC error)."""
    files = members(path)
    name = next(n for n in files if n.endswith(suffix))
    rezip(path, files, stored=(name,))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode())
    middle = start + info.compress_size // 2
    for i in range(middle, middle + 16):
        data[i] = (data[i] + 1) % 256 if chr(data[i]).isdigit() else data[i]
    path.write_bytes(bytes(data))
    return path


def bomb(path: Path, suffix: str, line: bytes, megabytes: int) -> Path:
    """Replace one member by ``line`` repeated to ``megabytes`` MB (compresses ~1000:1)."""
    files = members(path)
    name = next(n for n in files if n.endswith(suffix))
    del files[name]
    rezip(path, files)
    block = line * max(1, (1 << 20) // len(line))
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open(zipfile.ZipInfo(name, (2016, 1, 1, 0, 0, 0)), "w", force_zip64=True) as f:
            for _ in range(megabytes):
                f.write(block)
    return path


def append_lines(data: bytes, *lines: str) -> bytes:
    text = data.decode("utf-8")
    return (text.rstrip("\n") + "\n" + "\n".join(lines) + "\n").encode()


def replace_line(data: bytes, number: int, line: str) -> bytes:
    """Replace physical line ``number`` (1-based) of a text file."""
    rows = data.decode("utf-8").split("\n")
    rows[number - 1] = line
    return "\n".join(rows).encode()


def unzip_session(folder: Path, pid: str) -> Path:
    """Replace ``folder/PID_P.zip`` by the unpacked ``folder/PID_P/``."""
    with zipfile.ZipFile(folder / f"{pid}_P.zip") as z:
        z.extractall(folder)
    (folder / f"{pid}_P.zip").unlink()
    return folder / f"{pid}_P"


def edit_label(folder: Path, name: str, edit) -> Path:
    path = folder / name
    path.write_bytes(edit(path.read_bytes()))
    return path


# ------------------------------------------------------------------ E-DAIC
def edaic(folder: Path) -> Path:
    """An E-DAIC folder: sessions 600 (train) and 601 (dev), the three label files."""
    for i, pid in enumerate((600, 601)):
        write_edaic_session(folder, pid, seed=i)
    rows = [
        {"participant_id": 600, "split": "train", "phq_score": 4, "binary": 0, "gender": "male"},
        {"participant_id": 601, "split": "dev", "phq_score": 12, "binary": 1, "gender": "f"},
    ]
    write_edaic_labels(folder, rows)
    return folder


def edaic_transcript(folder: Path, pid: str = "601") -> Path:
    return folder / f"{pid}_P" / f"{pid}_Transcript.csv"


# ------------------------------------------------------------------ own recordings
def recordings(folder: Path, sessions: tuple[str, ...] = ("s01", "s03")) -> Path:
    """Own recordings: the shipped raw sessions (audio, video, transcript) and labels.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    for sid in sessions:
        shutil.copytree(RAW / sid, folder / sid)
    lines = (RAW / "labels.csv").read_text().splitlines()
    keep = [lines[0]] + [line for line in lines[1:] if line.split(",")[0] in sessions]
    (folder / "labels.csv").write_text("\n".join(keep) + "\n")
    return folder


def write_wav(path: Path, seconds: float, *, rate: int = 16000, voiced: list | None = None):
    """A 16-bit mono wav of ``seconds``: quiet noise, with a harmonic voice in ``voiced``
    spans (seconds), written in blocks so the bench itself stays small in memory."""
    rng = np.random.default_rng(0)
    spans = voiced or []
    block = 60 * rate
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        total = int(seconds * rate)
        for start in range(0, total, block):
            t = np.arange(start, min(total, start + block)) / rate
            y = 0.001 * rng.standard_normal(len(t))
            for a, b in spans:
                sel = (t >= a) & (t < b)
                phase = 2 * np.pi * (120 + 10 * np.sin(t[sel])) * t[sel]
                y[sel] += 0.1 * sum(np.sin(k * phase) / k for k in (1, 2, 3))
            w.writeframes((np.clip(y, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def hour_long_session(folder: Path, seconds: float = 3600.0) -> Path:
    """One own-recordings session with an hour of audio, 60 turns of 10 s spread over it,
    and no video (the missing video is reported)."""
    session = folder / "long"
    session.mkdir(parents=True)
    turns = [(60.0 * i + 5.0, 60.0 * i + 15.0) for i in range(int(seconds // 60))]
    write_wav(session / "audio.wav", seconds, voiced=turns)
    rows = ["start_time,stop_time,speaker,text"]
    for i, (a, b) in enumerate(turns):
        rows.append(f"{a - 4:.3f},{a - 1:.3f},Interviewer,Question {i}?")
        rows.append(f"{a:.3f},{b:.3f},Participant,Answer number {i}.")
    (session / "transcript.csv").write_text("\n".join(rows) + "\n")
    (folder / "labels.csv").write_text("session_id,phq_score,split\nlong,5,train\n")
    return folder
