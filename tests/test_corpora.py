"""The corpus registry: every format detected or named, a features folder read back with
its labels, reader options, and the checkpoint/data mismatch messages."""

from __future__ import annotations

import numpy as np
import pytest
from cli_testing import here, one_line_error, result
from conftest import ROOT

from mimml_edu.checkpoints import check_data
from mimml_edu.cli import main
from mimml_edu.config import Config
from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.data.corpora import FEATURES_MARKER, detect_format, load_corpus
from mimml_edu.data.layouts import write_edaic_corpus
from mimml_edu.data.samples import shipped_daicwoz
from mimml_edu.data.synthetic import make_corpus
from mimml_edu.data.text_models import canonical_text_model
from mimml_edu.errors import CheckpointError, ConfigError, CorpusError
from mimml_edu.features.store import save_session, write_marker

RAW = ROOT / "data_samples" / "raw"
SMALL = "model: {d_proj: 8, d_h: 8, d_z: 16}\ntrain: {epochs: 1, k: 8}\n"


def features_folder(path, sessions, *, labels: str | None = None, **marker):
    """A folder in the layout extract writes (sessions saved as they are)."""
    path.mkdir(parents=True, exist_ok=True)
    for s in sessions:
        save_session(s, path)
    if labels is not None:
        (path / "labels.csv").write_text(labels)
    record = {"sessions": [s.session_id for s in sessions], "text_model": "minilm", **marker}
    write_marker(path, record)
    return path


def other_widths(session: Session, widths: dict, names: dict | None = None) -> Session:
    rng = np.random.default_rng(0)
    n = session.n_turns
    return Session(
        session_id=session.session_id,
        features={m: rng.normal(size=(n, widths[m])).astype(np.float32) for m in MODALITIES},
        masks={m: np.ones(n, bool) for m in MODALITIES},
        phq_score=session.phq_score, label=session.label, gender=session.gender,
        split=session.split,
        channel_names=names or {m: [f"{m}_{i}" for i in range(widths[m])] for m in MODALITIES},
    )  # fmt: skip


def test_every_format_is_detected_and_can_be_named(tmp_path):
    assert detect_format(shipped_daicwoz()) == "daicwoz"
    assert detect_format(RAW) == "recordings"
    edaic = write_edaic_corpus(tmp_path / "edaic", sizes={"train": (2, 1), "dev": (1, 0),
                                                          "test": (1, 0)})  # fmt: skip
    assert detect_format(edaic) == "edaic"
    sessions = make_corpus(6, seed=1).sessions
    folder = features_folder(tmp_path / "feat", sessions, labels="session_id,phq_score\n")
    assert detect_format(folder) == "features"  # though it also holds a labels.csv
    assert load_corpus(str(folder)).format == "features"
    assert load_corpus(f"features:{folder}").spec == f"features:{folder.resolve()}"
    with pytest.raises(CorpusError, match=f"no {FEATURES_MARKER}"):
        load_corpus(str(RAW), format="features")  # --format overrides detection
    with pytest.raises(CorpusError, match="not a corpus folder of any known format"):
        detect_format(tmp_path)


def test_a_features_folder_reads_its_labels_csv(tmp_path):
    sessions = make_corpus(6, seed=1).sessions
    ids = [s.session_id for s in sessions]
    rows = [f"{sid},{20 if i == 0 else 3},,female,{'train' if i < 4 else 'dev'}"
            for i, sid in enumerate(ids[:-1])]  # fmt: skip
    folder = features_folder(
        tmp_path / "f", sessions,
        labels="session_id,phq_score,binary,gender,split\n" + "\n".join(rows) + "\n",
        warnings=["a.wav: unreadable (audio of session x)"],
        skipped=[{"session_id": "x", "reason": "no transcript"}],
    )  # fmt: skip
    (folder / "stray.npz").write_bytes(b"")
    corpus = load_corpus(str(folder))
    got = {s.session_id: s for s in corpus.sessions}
    assert got[ids[0]].phq_score == 20 and got[ids[0]].label == 1 and got[ids[0]].gender == 0
    assert got[ids[1]].label == 0 and got[ids[1]].split == "train"
    assert got[ids[4]].split == "dev"
    assert got[ids[-1]].label is None  # not in labels.csv: unknown, with a warning
    warnings = " ".join(corpus.report.warnings)
    assert f"session {ids[-1]}: not in" in warnings and "stray" in warnings
    assert "a.wav: unreadable" in warnings
    assert corpus.report.skipped == [{"session_id": "x", "reason": "no transcript"}]
    (folder / f"{ids[1]}.npz").unlink()
    again = load_corpus(str(folder))
    assert any(s["session_id"] == ids[1] for s in again.report.skipped)
    with pytest.raises(CorpusError, match="extracted with text model 'minilm', not 'hashing'"):
        load_corpus(str(folder), text_model="hashing")


def test_reader_options(tmp_path):
    with pytest.raises(CorpusError, match="do not apply"):
        load_corpus("synthetic:n=10", text_model="hashing")
    edaic = write_edaic_corpus(tmp_path / "e", sizes={"train": (2, 1), "dev": (1, 0),
                                                      "test": (1, 0)})  # fmt: skip
    with pytest.raises(CorpusError, match="include_interviewer does not apply to edaic"):
        load_corpus(str(edaic), include_interviewer=True)
    corpus = load_corpus(str(shipped_daicwoz()), text_model="hashing", include_interviewer=True)
    assert corpus.options == {"text_model": "hashing", "include_interviewer": True}
    assert corpus.sessions[0].meta["include_interviewer"] is True
    assert canonical_text_model("minilm") == "minilm"
    assert canonical_text_model(tmp_path) == str(tmp_path.resolve())
    with pytest.raises(ConfigError, match="no such folder"):
        canonical_text_model(tmp_path / "nope")
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match="a file, not a model folder"):
        canonical_text_model(tmp_path / "file")


def test_check_data_names_both_sides():
    config = Config()
    config.model.input_dims = {"text": 384, "audio": 74, "video": 38}
    names = {"text": [f"emb_{i:03d}" for i in range(384)], "audio": [f"a{i}" for i in range(74)],
             "video": [f"v{i}" for i in range(38)]}  # fmt: skip
    ckpt = {"config": config.to_dict(),
            "data": {"spec": "daicwoz:/x", "channel_names": names,
                     "options": {"text_model": "minilm"}}}  # fmt: skip
    check_data(ckpt, spec="same", widths=config.model.input_dims, channel_names=names,
               options={"text_model": "minilm"})  # fmt: skip
    with pytest.raises(CheckpointError, match=r"feature widths .*'audio': 74.*'audio': 62"):
        check_data(ckpt, spec="edaic:/y", widths={"text": 384, "audio": 62, "video": 38})
    other = {**names, "audio": [*names["audio"][:3], "F1", *names["audio"][4:]]}
    with pytest.raises(CheckpointError, match=r"daicwoz:/x.*audio channels.*'a3'.*other:/z.*'F1'"):
        check_data(ckpt, spec="other:/z", widths=config.model.input_dims, channel_names=other)
    with pytest.raises(CheckpointError, match=r"text model 'minilm'.*text model 'hashing'"):
        check_data(ckpt, spec="daicwoz:/x", widths=config.model.input_dims,
                   options={"text_model": "hashing"})  # fmt: skip


def test_check_data_compares_the_extractor_settings_of_the_modalities_used():
    from mimml_edu.features.audio import AudioConfig
    from mimml_edu.features.extract import extractor_settings
    from mimml_edu.features.video import VideoConfig

    config = Config()
    config.model.input_dims = {"text": 384, "audio": 175, "video": 130}
    widths = config.model.input_dims
    mine = extractor_settings(video_config=VideoConfig(max_fps=5.0))
    ckpt = {"config": config.to_dict(), "data": {"spec": "features:/a", "extractor": mine}}
    check_data(ckpt, spec="features:/b", widths=widths, extractor=dict(mine))  # the same
    check_data(ckpt, spec="synthetic:n=9", widths=widths, extractor=None)  # nothing to compare
    with pytest.raises(CheckpointError) as caught:
        check_data(ckpt, spec="recordings:/c", widths=widths, extractor=extractor_settings())
    message = str(caught.value)
    assert "features:/a" in message and "recordings:/c" in message
    assert "video settings max_fps=5.0" in message and "with max_fps=15.0" in message
    louder = extractor_settings(AudioConfig(silence_db=30.0), VideoConfig(max_fps=5.0))
    with pytest.raises(CheckpointError, match=r"audio settings silence_db=.*with silence_db=30.0"):
        check_data(ckpt, spec="recordings:/c", widths=widths, extractor=louder)
    speaker = extractor_settings(video_config=VideoConfig(max_fps=5.0), participant="P")
    with pytest.raises(CheckpointError, match=r"participant settings 'Participant'.*with 'P'"):
        check_data(ckpt, spec="recordings:/c", widths=widths, extractor=speaker)
    config.model.modalities = ("text", "audio")  # a model without video: its settings don't matter
    check_data({**ckpt, "config": config.to_dict()}, spec="recordings:/c", widths=widths,
               extractor=extractor_settings())  # fmt: skip


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpora_cli")
    (tmp / "small.yaml").write_text(SMALL)
    code = main(["train", "--config", str(tmp / "small.yaml"), "--out", str(tmp / "run"),
                 "--data", "synthetic:n=30,seed=2", "--n-boot", "0", "--quiet"])  # fmt: skip
    assert code == 0
    return tmp


def test_checkpoint_and_data_mismatches_on_the_command_line(trained, tmp_path, capsys):
    ckpt = trained / "run" / "best.pt"
    sessions = make_corpus(12, seed=5).sessions
    wide = features_folder(
        tmp_path / "wide",
        [other_widths(s, {"text": 384, "audio": 175, "video": 130}) for s in sessions],
    )
    one_line_error(here(capsys, "evaluate", "--checkpoint", ckpt, "--data", wide),
             "trained on synthetic:n=30,seed=2 with feature widths",
             f"features:{wide.resolve()} has feature widths", "'audio': 175")  # fmt: skip
    renamed = features_folder(
        tmp_path / "renamed",
        [other_widths(s, {"text": 384, "audio": 74, "video": 38}) for s in sessions],
    )
    one_line_error(
        here(capsys, "explain", "--checkpoint", ckpt, "--data", renamed),
        "text channels",
        "'emb_000'",
        "'text_0'",
        "same width, other features",
    )
    one_line_error(here(capsys, "evaluate", "--checkpoint", ckpt, "--data", "synthetic:n=30",
                  "--text-model", "hashing"), "do not apply")  # fmt: skip
    code, out, _ = result(capsys, "evaluate", "--checkpoint", ckpt, "--n-boot", 0)
    assert code == 0 and "trained on synthetic:n=30,seed=2" in out  # its own corpus


def test_resume_on_other_data_is_one_line_error(trained, capsys):
    run = ("train", "--config", trained / "small.yaml", "--out", trained / "run", "--quiet")
    one_line_error(
        here(capsys, *run, "--data", "synthetic:n=30,seed=4", "--resume"),
        "last.pt",
        "was trained on synthetic:n=30,seed=2",
        "this run's data is synthetic:n=30,seed=4",
        "resume only on the same data",
    )
    one_line_error(
        here(capsys, *run, "--data", shipped_daicwoz(), "--resume"),
        "the train split has 2 sessions (2 depressed, 0 not depressed)",
    )
    one_line_error(here(capsys, *run, "--threads", "0"), "--threads: must be >= 1, got 0")
