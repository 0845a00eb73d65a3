"""Property-based tests: every reader, on randomly damaged valid input, either reads it
correctly or raises the package's own error naming the file, within a time limit and a
memory cap (the reader runs in a worker process under ``resource.setrlimit``).

Damages (``tests/mutations.py``): truncation, byte flips, deleted or duplicated rows and
columns, shuffled rows, swapped encodings. Inputs: a DAIC-WOZ session (zip and folder),
the DAIC-WOZ label files, an E-DAIC session, an own-recordings transcript and labels.csv,
a config YAML and a checkpoint. Examples are bounded and derandomized (the same inputs on
every run), so the suite stays within its time budget and a failure reproduces.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from limited import LimitedWorker  # noqa: E402
from mutations import mutated_bytes, mutated_text  # noqa: E402

from mimml_edu.data.layouts import write_edaic_session  # noqa: E402
from mimml_edu.data.samples import shipped_daicwoz, write_daicwoz_session  # noqa: E402

RAW = Path(__file__).resolve().parents[1] / "data_samples" / "raw"
READERS = "robust_readers"
#: MIMML_PROPERTY_EXAMPLES=500 searches longer, with fresh random inputs each run.
SEARCH = int(os.environ.get("MIMML_PROPERTY_EXAMPLES", "0"))
PROFILE = settings(
    max_examples=SEARCH or 25,
    deadline=None,  # the worker's time limit bounds each example
    derandomize=not SEARCH,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def worker():
    w = LimitedWorker(
        ("robust_readers", "mimml_edu.data.daicwoz", "mimml_edu.data.edaic",
         "mimml_edu.data.recordings", "mimml_edu.config", "mimml_edu.checkpoints",
         "mimml_edu.model", "mimml_edu.features.store", "pandas", "torch"),
        memory_mb=768,
        timeout=60,
    )  # fmt: skip
    yield w
    w.close()


@pytest.fixture(scope="module")
def scratch():
    root = Path(tempfile.mkdtemp(prefix="mimml-properties-"))
    yield root
    shutil.rmtree(root, ignore_errors=True)


class Valid(dict):
    """A valid input (file name -> bytes) whose repr stays short in failure reports."""

    def __repr__(self) -> str:
        return f"Valid({', '.join(self)})"


def _fresh(scratch: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=scratch))


def assert_clean(outcome, *names: str) -> None:
    """Read correctly, or a MimmlError whose message names one of ``names``."""
    if outcome.kind == "ok":
        assert not outcome.value["problems"], f"read wrongly: {outcome.value['problems']}"
        return
    assert outcome.kind == "error", f"{outcome.kind}: {outcome.message}"
    assert outcome.mimml, f"not the package's error: {outcome}"
    assert any(n in outcome.message for n in names), f"the file is not named: {outcome}"


@pytest.fixture(scope="module")
def daicwoz_members(scratch):
    path = write_daicwoz_session(scratch / "valid", 402, duration_s=20, seed=1, landmarks=False)
    with zipfile.ZipFile(path) as z:
        return Valid({info.filename: z.read(info) for info in z.infolist()})


TABLES = {"_TRANSCRIPT.csv": "\t", "_COVAREP.csv": ",", "_CLNF_AUs.txt": ",",
          "_CLNF_pose.txt": ",", "_CLNF_gaze.txt": ","}  # fmt: skip


@PROFILE
@given(st.data(), st.sampled_from(sorted(TABLES)), st.booleans())
def test_daicwoz_session_member(worker, scratch, daicwoz_members, data, suffix, as_zip):
    files = dict(daicwoz_members)
    name = next(n for n in files if n.endswith(suffix))
    files[name] = data.draw(mutated_text(files[name], TABLES[suffix]), label=name)
    root = _fresh(scratch)
    if as_zip:
        path = root / "402_P.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for n, b in files.items():
                z.writestr(n, b)
    else:
        path = root / "402_P"
        for n, b in files.items():
            (root / n).parent.mkdir(parents=True, exist_ok=True)
            (root / n).write_bytes(b)
    outcome = worker.call(READERS, "daicwoz_session", str(path))
    assert_clean(outcome, name.rsplit("/", 1)[-1], str(path))


@settings(PROFILE, max_examples=SEARCH or 15)
@given(st.data())
def test_daicwoz_session_zip_bytes(worker, scratch, data):
    raw = (shipped_daicwoz() / "402_P.zip").read_bytes()
    path = _fresh(scratch) / "402_P.zip"
    path.write_bytes(data.draw(mutated_bytes(raw)))
    assert_clean(worker.call(READERS, "daicwoz_session", str(path)), "402_P.zip")


LABELS = ("train_split_Depression_AVEC2017.csv", "dev_split_Depression_AVEC2017.csv",
          "test_split_Depression_AVEC2017.csv", "full_test_split.csv")  # fmt: skip


@PROFILE
@given(st.data(), st.sampled_from(LABELS), st.booleans())
def test_daicwoz_label_files(worker, scratch, data, name, strict):
    root = _fresh(scratch)
    for label in LABELS:
        shutil.copy(shipped_daicwoz() / label, root / label)
    (root / name).write_bytes(data.draw(mutated_text((root / name).read_bytes(), ",")))
    assert_clean(worker.call(READERS, "label_files", str(root), strict), name)


EDAIC = {"601_Transcript.csv": ",", "features/601_OpenFace2.1.0_Pose_gaze_AUs.csv": ",",
         "features/601_OpenSMILE2.3.0_egemaps.csv": ";",
         "features/601_OpenSMILE2.3.0_mfcc.csv": ";"}  # fmt: skip


@pytest.fixture(scope="module")
def edaic_session(scratch):
    return write_edaic_session(scratch / "edaic", 601, duration_s=15, seed=2)


@PROFILE
@given(st.data(), st.sampled_from(sorted(EDAIC)))
def test_edaic_session(worker, scratch, edaic_session, data, name):
    folder = _fresh(scratch) / "601_P"
    shutil.copytree(edaic_session, folder)
    (folder / name).write_bytes(data.draw(mutated_text((folder / name).read_bytes(), EDAIC[name])))
    assert_clean(worker.call(READERS, "edaic_session", str(folder)), name.rsplit("/", 1)[-1])


@PROFILE
@given(st.data())
def test_recordings_transcript(worker, scratch, data):
    folder = _fresh(scratch) / "s01"
    folder.mkdir()
    shutil.copy(RAW / "s01" / "audio.wav", folder / "audio.wav")
    text = (RAW / "s01" / "transcript.csv").read_bytes()
    (folder / "transcript.csv").write_bytes(data.draw(mutated_text(text, ",")))
    assert_clean(worker.call(READERS, "recordings_session", str(folder)), "transcript.csv")


@PROFILE
@given(st.data())
def test_recordings_labels(worker, scratch, data):
    path = _fresh(scratch) / "labels.csv"
    path.write_bytes(data.draw(mutated_text((RAW / "labels.csv").read_bytes(), ",")))
    assert_clean(worker.call(READERS, "recordings_labels", str(path)), "labels.csv")


CONFIG = b"""\
model:
  d_proj: 8
  d_h: 8
  center_turns: false
  modalities: [text, audio, video]
objective:
  alpha: 0.1
  class_weighted: true
train:
  epochs: 2
  lr: 1.0e-3
  stride: null
  device: cpu
"""


@settings(PROFILE, max_examples=SEARCH or 40)
@given(st.data())
def test_config_yaml(worker, scratch, data):
    path = _fresh(scratch) / "config.yaml"
    path.write_bytes(data.draw(mutated_text(CONFIG, ":")))
    assert_clean(worker.call(READERS, "config_file", str(path)), "config.yaml")


@pytest.fixture(scope="module")
def checkpoint_bytes(scratch):
    from mimml_edu.checkpoints import model_checkpoint, save_atomic
    from mimml_edu.config import Config
    from mimml_edu.model import build_model

    config = Config.from_dict({"model": {"d_proj": 8, "d_h": 8, "d_z": 16}})
    ckpt = model_checkpoint(config, build_model(config.model).state_dict())
    return Valid({"model.pt": save_atomic(ckpt, scratch / "model.pt").read_bytes()})


@settings(PROFILE, max_examples=SEARCH or 20)
@given(st.data())
def test_checkpoint_file(worker, scratch, checkpoint_bytes, data):
    path = _fresh(scratch) / "model.pt"
    path.write_bytes(data.draw(mutated_bytes(checkpoint_bytes["model.pt"])))
    assert_clean(worker.call(READERS, "checkpoint_file", str(path)), "model.pt")


@pytest.fixture(scope="module")
def session_bytes(scratch):
    from mimml_edu.data.synthetic import make_corpus
    from mimml_edu.features.store import save_session

    session = replace(make_corpus(4, seed=0).sessions[0], meta={"source": "synthetic"})
    return Valid({"s.npz": save_session(session, scratch / "features").read_bytes()})


@settings(PROFILE, max_examples=SEARCH or 25)
@given(st.data())
def test_extracted_session_file(worker, scratch, session_bytes, data):
    path = _fresh(scratch) / "s.npz"
    path.write_bytes(data.draw(mutated_bytes(session_bytes["s.npz"])))
    assert_clean(worker.call(READERS, "session_file", str(path)), "s.npz")
