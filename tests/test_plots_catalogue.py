"""Every public figure function of mimml_edu.plots, run on small inputs.

The catalogue below must name every ``plot_*`` function the package defines (a new one
without a case here fails), each must return a Figure that renders to PNG, outside pyplot,
without calling ``show()``; one naming scheme; no two figure functions share a name.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import pkgutil
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

import mimml_edu.plots as plots_package
from mimml_edu.plots.style import figure_to_png

pytestmark = pytest.mark.usefixtures("one_thread")

#: the modules of plots/ that draw (style: the shared look; prose: numbers for the text)
AREAS = sorted(
    m.name
    for m in pkgutil.iter_modules(plots_package.__path__)
    if m.name not in ("style", "prose")
)
#: public helpers of plots/ that are not figures
NOT_FIGURES = {"mi.estimator_label"}
RNG = np.random.default_rng(0)


@functools.cache
def _inputs() -> SimpleNamespace:
    """Small real inputs shared by the cases (built once, on first use)."""
    from explain_testdata import untrained

    from mimml_edu.data.daicwoz import read_daicwoz_session
    from mimml_edu.data.leakage import split_leakage
    from mimml_edu.data.samples import shipped_daicwoz
    from mimml_edu.data.synthetic import make_corpus
    from mimml_edu.explain import Curves, explain_one
    from mimml_edu.features.audio import AudioConfig, AudioFrames, frame_feature_names
    from mimml_edu.features.video import VideoFrames
    from mimml_edu.features.video import frame_feature_names as video_names
    from mimml_edu.mi_lab.optimal_critics import optimal_critic_estimates
    from mimml_edu.mi_lab.staircase import train_staircase

    corpus = make_corpus(40, seed=1)
    daicwoz = shipped_daicwoz() / "321_P.zip"
    audio_names = frame_feature_names(AudioConfig())
    n_audio = 300
    audio = AudioFrames(
        features=RNG.normal(size=(n_audio, len(audio_names))).astype(np.float32),
        names=audio_names,
        times=np.arange(n_audio) * 0.01,
        voiced=RNG.random(n_audio) > 0.4,
        sample_rate=16000,
        duration=3.0,
    )
    n_video = 30
    found = np.arange(n_video) % 7 != 0
    video = VideoFrames(
        times=np.arange(n_video) / 10,
        found=found,
        landmarks=RNG.random((n_video, 478, 3)).astype(np.float32),
        features=RNG.random((n_video, len(video_names()))).astype(np.float32),
        names=video_names(),
        width=64,
        height=48,
        fps=10.0,
    )
    small = {"hidden": 16, "embed": 8, "layers": 1, "batch_size": 16}
    runs = [
        train_staircase(n, mi_values=(2.0, 4.0), steps_per_stage=5, **small)
        for n in ("infonce", "club")
    ]
    model, explain_corpus = untrained()
    session = explain_corpus.sessions[0]
    shapley, ig = explain_one(model, session, k=8, n_steps=4)
    curve = Curves(np.linspace(0, 1, 5), RNG.random(5), RNG.random(5))
    return SimpleNamespace(
        corpus=corpus,
        daicwoz=(daicwoz, read_daicwoz_session(daicwoz)),
        leakage=split_leakage(corpus.sessions, k=8, c=0.1, test_fraction=0.3, seed=0),
        audio=audio,
        video=video,
        runs=runs,
        estimates=optimal_critic_estimates(["infonce", "nwj"], mi_values=(1.0, 3.0), draws=4),
        session=session,
        shapley=shapley,
        ig=ig,
        curves={"IG": curve, "random": curve},
    )


def _result(value: float) -> dict[str, float]:
    return {"value": value, "low": value - 0.1, "high": value + 0.1}


CASES = {
    # data
    "data.plot_corpus_evidence": lambda x: plots("data").plot_corpus_evidence(x.corpus),
    "data.plot_corpus_knobs": lambda x: plots("data").plot_corpus_knobs(n_sessions=30),
    "data.plot_session_alignment": lambda x: plots("data").plot_session_alignment(*x.daicwoz),
    "data.plot_windows": lambda x: plots("data").plot_windows(x.corpus.sessions[0], k=8),
    "data.plot_split_leakage": lambda x: plots("data").plot_split_leakage(x.leakage, oracle=0.8),
    # features
    "features.plot_listen": lambda x: plots("features").plot_listen(
        RNG.normal(size=48000), x.audio, turn_times=np.array([[0.2, 1.0], [1.5, 2.5]])
    ),
    "features.plot_face_frames": lambda x: plots("features").plot_face_frames(
        [RNG.integers(0, 255, (48, 64, 3), dtype=np.uint8)] * 2,
        [x.video.landmarks[1], None],
        titles=["face", "none"],
        connections=[(0, 1), (1, 2)],
    ),
    "features.plot_face_series": lambda x: plots("features").plot_face_series(
        x.video, turn_times=np.array([[0.5, 1.5]])
    ),
    "features.plot_similarity": lambda x: plots("features").plot_similarity(
        RNG.normal(size=(5, 8)), np.array([True, True, False, True, True]), list("abcde")
    ),
    "features.plot_aligned_turns": lambda x: plots("features").plot_aligned_turns(
        x.corpus.sessions[0], x.audio, x.video
    ),
    # model
    "model.plot_window_gate": lambda x: plots("model").plot_window_gate(
        RNG.random((8, 4)), np.arange(8) < 6, signal_turns=np.arange(8) % 3 == 0
    ),
    "model.plot_baselines": lambda x: plots("model").plot_baselines(
        {"a": _result(0.6), "b": _result(0.7)}, oracle={"a": 0.8}
    ),
    "model.plot_padding_check": lambda x: plots("model").plot_padding_check(
        [np.zeros(4), np.ones(4)], ["a", "b"]
    ),
    # mutual information
    "mi.plot_gaussian_pairs": lambda x: plots("mi").plot_gaussian_pairs((1.0,), n=50),
    "mi.plot_estimate_trace": lambda x: plots("mi").plot_estimate_trace(x.runs[0]),
    "mi.plot_staircase": lambda x: plots("mi").plot_staircase(x.runs, ncols=2),
    "mi.plot_optimal_critic": lambda x: plots("mi").plot_optimal_critic(
        x.estimates, (1.0, 3.0), batch_size=64
    ),
    "mi.plot_variance_vs_mi": lambda x: plots("mi").plot_variance_vs_mi(x.estimates, (1.0, 3.0)),
    "mi.plot_smile_tradeoff": lambda x: plots("mi").plot_smile_tradeoff(
        (1.0, 5.0), RNG.normal(size=(2, 5)), true_mi=3.0
    ),
    "mi.plot_club": lambda x: plots("mi").plot_club((0, 2, 4), trained=x.runs[1]),
    "mi.plot_playground": lambda x: plots("mi").plot_playground(
        estimator="smile_2", mi=2.0, batch_size=16, steps=8
    ),
    # fusion
    "fusion.plot_logvar_pitfall": lambda x: plots("fusion").plot_logvar_pitfall(
        {"run": {k: list(RNG.normal(size=6)) for k in ("objective", "log_likelihood", "logvar")}}
    ),
    "fusion.plot_representation_similarity": lambda x: plots(
        "fusion"
    ).plot_representation_similarity(
        {"A": np.eye(2)}, ["z", "h_text"], retrieval={"A": {"text": 0.3}}, chance=0.1
    ),
    # multitask
    "multitask.plot_label_trajectories": lambda x: plots("multitask").plot_label_trajectories(
        {"text": RNG.normal(size=(3, 20))}, RNG.normal(size=20), n_show=5
    ),
    "multitask.plot_label_shift": lambda x: plots("multitask").plot_label_shift(
        {"text": RNG.normal(size=(3, 20)), "audio": RNG.normal(size=(3, 20))},
        RNG.normal(size=20),
    ),
    # training
    "training.plot_history": lambda x: plots("training").plot_history(
        {
            "stage1/ce": [0.7, 0.6],
            "stage1/cpc_text": [3.0, 2.5],
            "stage1/lld_text_audio": [1.0, 0.9],
            "dev/macro_f1": [0.5, 0.6],
        }
    ),
    "training.plot_session_scores": lambda x: plots("training").plot_session_scores(
        RNG.random(10), np.arange(10) % 2, RNG.random(10)
    ),
    # explanations
    "explain.plot_modality_contributions": lambda x: plots("explain").plot_modality_contributions(
        [x.shapley, x.shapley]
    ),
    "explain.plot_turn_heatmap": lambda x: plots("explain").plot_turn_heatmap(
        x.ig, x.session, signal_turns=np.arange(x.session.n_turns) % 4 == 0
    ),
    "explain.plot_feature_attributions": lambda x: plots("explain").plot_feature_attributions(
        RNG.normal(size=6), list("abcdef"), modality="audio", top=4, signal_channels=np.eye(6)[0]
    ),
    "explain.plot_channel_heatmap": lambda x: plots("explain").plot_channel_heatmap(
        x.ig, x.session, modality="text", channels=[0, 1, 2]
    ),
    "explain.plot_deletion_insertion": lambda x: plots("explain").plot_deletion_insertion(
        x.curves
    ),
    "explain.plot_session_gate": lambda x: plots("explain").plot_session_gate(
        RNG.random(12), signal_turns=np.arange(12) % 5 == 0, session_id="S000"
    ),
    "explain.plot_attribution_explorer": lambda x: plots("explain").plot_attribution_explorer(
        x.shapley, x.ig, x.session, modality="text"
    ),
    # the component-effect map
    "regimes.plot_component_map": lambda x: plots("regimes").plot_component_map(*_component_map()),
}


def _component_map() -> tuple[list[dict], list[dict]]:
    """A two-regime map's rows and one verdict, in the columns bench/regimes.py writes."""
    rows = []
    for regime, conditions in (("local", ["as generated"]), ("dominant", ["as generated", "x"])):
        for condition in conditions:
            for i, variant in enumerate(("MIMML (full)", "- BA", "early fusion (concat + MLP)")):
                d = np.nan if i == 0 else 0.03 * i - 0.05
                rows.append({
                    "regime": regime, "condition": condition, "variant": variant,
                    "balanced_accuracy_mean": 0.8 + (d if i else 0.0),
                    "oracle_balanced_accuracy": 0.83, "oracle_balanced_accuracy_all": 0.83,
                    "diff_to_full": d, "diff_low": d - 0.02, "diff_high": d + 0.02,
                    "vs_oracle": -0.03, "vs_oracle_low": -0.05, "vs_oracle_high": -0.01,
                })  # fmt: skip
    verdict = {"quantity": "balanced_accuracy", "expect": "<", "verdict": "confirmed"}
    verdicts = [{"regime": "local", "condition": "as generated", "variant": "- BA", **verdict}]
    return rows, verdicts


def plots(area: str):
    return importlib.import_module(f"mimml_edu.plots.{area}")


def _public_functions() -> dict[str, object]:
    found = {}
    for area in AREAS:
        module = plots(area)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ == module.__name__ and not name.startswith("_"):
                found[f"{area}.{name}"] = fn
    return found


def test_every_figure_function_has_a_case_and_one_naming_scheme():
    found = _public_functions()
    figures = {k for k in found if k not in NOT_FIGURES}
    assert figures == set(CASES), (
        f"without a case: {sorted(figures - set(CASES))}; stale: {sorted(set(CASES) - figures)}"
    )
    badly_named = sorted(k for k in figures if not k.split(".")[1].startswith("plot_"))
    assert not badly_named, f"figure functions are named plot_<what>: {badly_named}"
    names = [k.split(".")[1] for k in figures]
    assert len(names) == len(set(names)), "two figure functions share a name"
    for key in figures:
        assert inspect.signature(found[key]).return_annotation in ("Figure", Figure), key


@pytest.mark.parametrize("key", sorted(CASES))
def test_each_figure_function_returns_a_figure_outside_pyplot(key, monkeypatch):
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail(f"{key} called show()"))
    inputs = _inputs()
    before = plt.get_fignums()
    torch.manual_seed(0)
    fig = CASES[key](inputs)
    assert isinstance(fig, Figure), f"{key} returned {type(fig).__name__}"
    assert fig.axes, f"{key} drew no axes"
    assert plt.get_fignums() == before, f"{key} registered its figure with pyplot"
    assert figure_to_png(fig).startswith(b"\x89PNG\r\n\x1a\n")  # renders every artist
