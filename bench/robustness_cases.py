"""The catalogue of bad inputs that ``bench/robustness.py`` runs through the real command.

A :class:`Case` builds its input in a fresh folder and names the ``mimml-edu`` arguments
to run on it, and says what a careful package does with it:

- ``expect="error"``: a clear error: exit status not 0, and stderr exactly one line that
  starts ``mimml-edu: error:`` and contains every one of ``needles`` (the file, the key,
  the reason);
- ``expect="ok"``: the command does its work (exit status ``returncode``) and ``check``
  finds the right result in its output (for instance the one bad session listed as
  skipped with its reason while the others are read); ``warn=True`` marks a correct result
  that reports what was wrong with the input.

The classes follow the kinds of bad input a corpus, a config or a checkpoint can carry:
archives, tables, labels, E-DAIC, own recordings, media, configs, training and
checkpoints, command options.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import robustness_corpora as rc

from mimml_edu.data.samples import write_daicwoz_session


@dataclass
class Result:
    """What one run of the command gave."""

    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float
    work: Path

    def json(self) -> dict:
        """The last line of stdout as JSON ({} when it is not JSON)."""
        lines = self.stdout.strip().splitlines()
        try:
            return json.loads(lines[-1]) if lines else {}
        except json.JSONDecodeError:
            return {}


@dataclass
class Case:
    name: str
    klass: str
    what: str
    build: Callable[[Path, Shared], list[str]]
    expect: str = "error"
    needles: tuple[str, ...] = ()
    check: Callable[[Result], str | None] | None = None
    returncode: int = 0
    warn: bool = False
    timeout: float = 90.0
    max_rss_mb: float = 2000.0


class Shared:
    """Inputs several cases start from, built once (a trained run)."""

    def __init__(self, root: Path, run_cli: Callable[..., Result]):
        self.root = root
        self.run_cli = run_cli
        self._run: Path | None = None

    def config(self, folder: Path, text: str = rc.SMALL_CONFIG) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "small.yaml"
        path.write_text(text)
        return path

    def run(self) -> Path:
        """A run folder trained for one epoch on :data:`rc.DATA` (best.pt, last.pt)."""
        if self._run is None:
            folder = self.root / "trained"
            config = self.config(folder)
            out = self.run_cli(
                ["train", "--config", str(config), "--out", str(folder / "run"),
                 "--data", rc.DATA, "--n-boot", "10", "--json"], folder, 300
            )  # fmt: skip
            if out.returncode != 0 or not (folder / "run" / "best.pt").is_file():
                raise RuntimeError(f"the shared training run failed: {out.stderr[-2000:]}")
            self._run = folder / "run"
        return self._run

    def checkpoint(self, work: Path, edit: Callable[[dict], None]) -> Path:
        """A copy of the trained best.pt with ``edit`` applied to its dict."""
        import torch

        ckpt = torch.load(self.run() / "best.pt", weights_only=True)
        edit(ckpt)
        path = work / "edited.pt"
        torch.save(ckpt, path)
        return path

    def run_copy(self, work: Path) -> Path:
        target = work / "run"
        shutil.copytree(self.run(), target)
        return target


# ------------------------------------------------------------------ checks
def _skipped(pid: str, *words: str) -> Callable[[Result], str | None]:
    """inspect --json: session ``pid`` is skipped with a reason holding ``words``; others read."""

    def check(res: Result) -> str | None:
        out = res.json()
        if not out:
            return "no JSON on stdout"
        reasons = [s["reason"] for s in out.get("skipped", []) if s["session_id"] == pid]
        read = [s["session_id"] for s in out.get("sessions", [])]
        if pid in read:
            return f"session {pid} was read as if nothing were wrong"
        if not reasons:
            return f"session {pid} is neither read nor listed as skipped"
        if not all(w.lower() in reasons[0].lower() for w in words):
            return f"skip reason lacks {words}: {reasons[0][:200]}"
        if not read:
            return "the good sessions were not read"
        return None

    return check


def _reported(pid: str, *words: str, read: bool = True) -> Callable[[Result], str | None]:
    """inspect --json: a warning, a skip or a label disagreement names ``pid`` and ``words``
    (and, with ``read``, the session is still read)."""

    def check(res: Result) -> str | None:
        out = res.json()
        if not out:
            return "no JSON on stdout"
        texts = list(out.get("warnings", []))
        texts += [f"{s['session_id']}: {s['reason']}" for s in out.get("skipped", [])]
        texts += [json.dumps(d) for d in out.get("label_disagreements", [])]
        hits = [t for t in texts if pid in t and all(w.lower() in t.lower() for w in words)]
        if not hits:
            return f"nothing reports {pid} with {words}"
        if read and pid not in [s["session_id"] for s in out.get("sessions", [])]:
            return f"session {pid} was not read"
        return None

    return check


def _sessions(*ids: str) -> Callable[[Result], str | None]:
    def check(res: Result) -> str | None:
        got = [s["session_id"] for s in res.json().get("sessions", [])]
        return None if got == list(ids) else f"sessions {got}, expected {list(ids)}"

    return check


def _no_nan_intervals(res: Result) -> str | None:
    if "nan" in res.stdout.lower():
        return "NaN in the output"
    if "interval" not in res.stdout.lower():
        return "the output does not say that there are no intervals"
    return None


def _extract_failure(file: str, *words: str) -> Callable[[Result], str | None]:
    def check(res: Result) -> str | None:
        out = res.json()
        fails = [f for f in out.get("failures", []) if f["file"].endswith(file)]
        if not fails:
            return f"no failure reported for {file}"
        if not all(w.lower() in fails[0]["reason"].lower() for w in words):
            return f"reason lacks {words}: {fails[0]['reason'][:200]}"
        return None

    return check


# ------------------------------------------------------------------ builders
def _inspect(path: Path, *extra: str) -> list[str]:
    return ["inspect", str(path), "--json", *extra]


def _daic(edit: Callable[[Path], None], *extra: str):
    def build(work: Path, shared: Shared) -> list[str]:
        folder = rc.daicwoz(work / "corpus")
        edit(folder)
        return _inspect(folder, *extra)

    return build


def _member(suffix: str, edit: Callable[[bytes], bytes], *extra: str):
    return _daic(lambda f: rc.edit_member(f / "402_P.zip", suffix, edit), *extra)


def _transcript_row(line: str, *extra: str):
    return _member("_TRANSCRIPT.csv", lambda d: rc.append_lines(d, line), *extra)


def _label(name: str, edit: Callable[[bytes], bytes]):
    return _daic(lambda f: rc.edit_label(f, name, edit))


TRAIN_LABELS = "train_split_Depression_AVEC2017.csv"
DEV_LABELS = "dev_split_Depression_AVEC2017.csv"


def _edaic(edit: Callable[[Path], None]):
    def build(work: Path, shared: Shared) -> list[str]:
        folder = rc.edaic(work / "corpus")
        edit(folder)
        return _inspect(folder)

    return build


def _edaic_row(line: str):
    return _edaic(lambda f: rc.edaic_transcript(f).write_text(
        rc.edaic_transcript(f).read_text() + line + "\n"))  # fmt: skip


def _rec(edit: Callable[[Path], None], command: str = "inspect", *extra: str):
    def build(work: Path, shared: Shared) -> list[str]:
        folder = rc.recordings(work / "corpus")
        edit(folder)
        if command == "inspect":
            return _inspect(folder, *extra)
        return ["extract", str(folder), "--out", str(work / "features"), "--json", *extra]

    return build


def _fifo(relative: str):
    def edit(folder: Path) -> None:
        path = folder / relative
        path.unlink()
        os.mkfifo(path)

    return edit


def _train(config_text: str, *extra: str, data: str = rc.DATA):
    def build(work: Path, shared: Shared) -> list[str]:
        config = shared.config(work, config_text)
        return ["train", "--config", str(config), "--out", str(work / "run"), "--data", data,
                "--n-boot", "10", "--quiet", *extra]  # fmt: skip

    return build


def cfg(model: str = "", objective: str = "", train: str = "") -> str:
    """The small config with extra lines (each ``"  key: value\\n"``) in its sections."""
    return (
        "model:\n  d_proj: 8\n  d_h: 8\n  d_z: 16\n" + model + "objective:\n" + objective
        + "train:\n  epochs: 1\n  k: 8\n  batch_size: 32\n" + train
    )  # fmt: skip


def _evaluate_edited(edit: Callable[[dict], None], command: str = "evaluate"):
    def build(work: Path, shared: Shared) -> list[str]:
        path = shared.checkpoint(work, edit)
        return [
            command,
            "--checkpoint",
            str(path),
            "--json",
            *(["--n-boot", "10"] if command == "evaluate" else ["--max-sessions", "1"]),
        ]

    return build


def _nan_weights(ckpt: dict) -> None:
    name = next(k for k, v in ckpt["model"].items() if v.is_floating_point())
    ckpt["model"][name][...] = float("nan")


def _checkpoint_file(make: Callable[[Path, Path], None]):
    def build(work: Path, shared: Shared) -> list[str]:
        path = work / "model.pt"
        make(shared.run() / "best.pt", path)
        return ["evaluate", "--checkpoint", str(path), "--n-boot", "10", "--json"]

    return build


class _Payload:
    """A pickle that runs a shell command when loaded (what weights_only=True refuses)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _pickle_payload(work: Path, shared: Shared) -> list[str]:
    path = work / "payload.pt"
    with open(path, "wb") as f:
        pickle.dump({"format": "mimml-edu/2", "model": _Payload(work / "PWNED")}, f)
    return ["evaluate", "--checkpoint", str(path), "--json"]


def _not_pwned(res: Result) -> str | None:
    return "the payload ran" if (res.work / "PWNED").exists() else None


def _resume(edit_last: Callable[[Path], None] | None, *, data: str = rc.DATA, config=None):
    def build(work: Path, shared: Shared) -> list[str]:
        run = shared.run_copy(work)
        if edit_last is not None:
            edit_last(run / "last.pt")
        text = config or rc.SMALL_CONFIG.replace("epochs: 1", "epochs: 2")
        cfg = shared.config(work, text)
        return ["train", "--config", str(cfg), "--out", str(run), "--data", data, "--resume",
                "--n-boot", "10", "--quiet"]  # fmt: skip

    return build


def _nan_last(path: Path) -> None:
    import torch

    ckpt = torch.load(path, weights_only=True)
    _nan_weights(ckpt)
    torch.save(ckpt, path)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _nonfinite_stale(work: Path, shared: Shared) -> list[str]:
    """A diverging run into a folder that holds an earlier run's checkpoints."""
    run = shared.run_copy(work)
    config = shared.config(work, cfg(train="  lr: 1.0e+30\n"))
    return ["train", "--config", str(config), "--out", str(run), "--data", rc.DATA,
            "--n-boot", "10", "--quiet"]  # fmt: skip


def _claims_no_checkpoint(res: Result) -> str | None:
    if "best.pt" in res.stdout:
        return "stdout names a checkpoint after a failed run"
    return None


def _daic_write(edit: Callable[[Path], None]):
    """A corpus whose session 402 is freshly written as a folder and then edited."""

    def build(work: Path, shared: Shared) -> list[str]:
        folder = rc.daicwoz(work / "corpus")
        (folder / "402_P.zip").unlink()
        write_daicwoz_session(folder, 402, duration_s=40, seed=1, as_zip=False, landmarks=False)
        edit(folder / "402_P")
        return _inspect(folder)

    return build
