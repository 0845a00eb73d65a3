"""Captum explanations: Shapley efficiency, Captum agreement, masks, IG bookkeeping, truth."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from explain_testdata import trained, untrained

from mimml_edu import explain as ex
from mimml_edu.data.batch import MODALITIES


@pytest.fixture(scope="module")
def setup():
    model, corpus = untrained()
    session = max(corpus.sessions, key=lambda s: s.n_turns)
    return model, corpus, session, ex.session_inputs(model, session, k=8)


def test_background_removal_is_efficient_and_averages_backgrounds(setup):
    model, corpus, session, inputs = setup
    others = [ex.session_inputs(model, s, k=8) for s in corpus.sessions if s is not session][:3]
    r = ex.modality_shapley(model, inputs, removal="background", background=others)
    assert sum(r.shapley.values()) == pytest.approx(r.full - r.empty, abs=1e-6)
    singles = [
        ex.coalition_values(model, inputs, removal="background", background=[o]) for o in others
    ]
    for s, v in r.coalitions.items():  # v(S) is the mean over the background sessions
        assert v == pytest.approx(np.mean([one[s] for one in singles]), abs=1e-6)
    full = r.coalitions[frozenset(MODALITIES)]
    assert all(one[frozenset(MODALITIES)] == pytest.approx(full) for one in singles)
    with pytest.raises(ValueError, match="background sessions"):
        ex.modality_shapley(model, inputs, removal="background")


@pytest.mark.parametrize("removal", ["mean", "mask"])
@pytest.mark.parametrize("target", ["logit", "prob"])
def test_shapley_sums_to_full_minus_all_masked(setup, removal, target):
    model, _, _, inputs = setup
    r = ex.modality_shapley(model, inputs, target=target, removal=removal)
    assert sum(r.shapley.values()) == pytest.approx(r.full - r.empty, abs=1e-6)
    assert len(r.coalitions) == 8
    # full and empty are the model's own session-level outputs, computed independently
    with torch.no_grad():
        f = ex.WindowTarget(model=model, target=target)
        full = f(*inputs.feature_args(), *inputs.mask_args()).mean().item()
        if removal == "mean":
            empty = f(*inputs.baseline_args(), *inputs.mask_args()).mean().item()
        else:
            no = [torch.zeros_like(m) for m in inputs.mask_args()]
            empty = f(*[torch.zeros_like(x) for x in inputs.feature_args()], *no).mean().item()
    assert r.full == pytest.approx(full, abs=1e-5)
    assert r.empty == pytest.approx(empty, abs=1e-5)


def test_shapley_from_values_on_a_known_game():
    # v(S) = sum of weights in S, plus 1 when text and audio are both present
    w = {"text": 1.0, "audio": 2.0, "video": 3.0}
    values = {}
    for s in [
        frozenset(c)
        for c in (
            [],
            ["text"],
            ["audio"],
            ["video"],
            ["text", "audio"],
            ["text", "video"],
            ["audio", "video"],
            MODALITIES,
        )
    ]:
        values[s] = sum(w[m] for m in s) + (1.0 if {"text", "audio"} <= s else 0.0)
    phi = ex.shapley_from_values(values)
    assert phi == pytest.approx({"text": 1.5, "audio": 2.5, "video": 3.0})


def test_captum_shapley_equals_exact_enumeration(setup):
    model, corpus, _, _ = setup
    short = min(corpus.sessions, key=lambda s: s.n_turns)
    inputs = ex.session_inputs(model, short, k=8)
    exact = ex.modality_shapley(model, inputs).shapley
    captum = ex.captum_modality_attributions(model, inputs, method="shapley")
    assert captum == pytest.approx(exact, abs=1e-5)
    ablation = ex.captum_modality_attributions(model, inputs, method="ablation")
    values = ex.coalition_values(model, inputs)
    full = values[frozenset(MODALITIES)]
    for m in MODALITIES:  # leave-one-out
        assert ablation[m] == pytest.approx(full - values[frozenset(MODALITIES) - {m}], abs=1e-5)


def test_attributions_ignore_padded_and_masked_turns(setup):
    model, corpus, _, _ = setup
    masks = {m: v.copy() for m, v in corpus.sessions[2].masks.items()}
    masks["audio"][[1, 4]] = False
    masks["video"][[1, 4]] = False
    masks["text"][1] = False  # turn 1: no modality at all
    session = dataclasses.replace(
        corpus.sessions[2],
        masks=masks,
        features={m: v.copy() for m, v in corpus.sessions[2].features.items()},
    )
    inputs = ex.session_inputs(model, session, k=32)  # one window, padded past the session
    assert inputs.masks["text"].shape[1] == 32 > session.n_turns
    ig = ex.integrated_gradients(model, inputs, n_steps=16)
    assert not ig.present[1] and ig.turn_total[1] == 0.0
    for m in ("audio", "video"):
        assert np.all(ig.features[m][[1, 4]] == 0.0)
    assert np.any(ig.features["text"][4] != 0.0)
    occ = ex.turn_occlusion(model, inputs)
    assert occ.turn_total[1] == 0.0
    # padded window positions: the raw Captum attributions there are exactly zero
    from captum.attr import IntegratedGradients

    attrs = IntegratedGradients(ex.WindowTarget(model=model)).attribute(
        inputs.feature_args(),
        baselines=inputs.baseline_args(),
        additional_forward_args=inputs.mask_args(),
        n_steps=8,
    )
    for a in attrs:
        assert torch.all(a[:, session.n_turns :] == 0)
    gate = ex.gate_values(model, inputs)
    assert np.isnan(gate[1]) and np.all((gate[ig.present] > 0) & (gate[ig.present] < 1))


def test_ig_completeness_and_window_bookkeeping(setup):
    model, _, session, inputs = setup
    assert inputs.n_windows > 1  # overlapping windows
    cover = inputs.coverage().numpy()
    assert cover.min() >= 1 and cover.max() >= 2
    ig = ex.integrated_gradients(model, inputs, n_steps=64)
    total = sum(ig.features[m].sum() for m in MODALITIES)
    assert total - (ig.output - ig.baseline_output) == pytest.approx(ig.delta, abs=1e-4)
    assert ig.relative_delta < 0.05
    assert ig.turn_total.sum() == pytest.approx(total, rel=1e-6)
    assert ig.features["audio"].shape == (session.n_turns, session.dims()["audio"])


def test_ig_tolerance_adds_steps_until_the_delta_is_small(setup):
    model, _, _, inputs = setup
    coarse = ex.integrated_gradients(model, inputs, n_steps=2)
    assert coarse.n_steps == 2 and coarse.relative_delta > 0.001  # two steps are too few here
    refined = ex.integrated_gradients(model, inputs, n_steps=2, tolerance=0.001)
    assert refined.n_steps > 2 and refined.relative_delta <= 0.001
    # the doubling stops at max_steps even when the tolerance is not reached
    capped = ex.integrated_gradients(model, inputs, n_steps=2, tolerance=1e-12, max_steps=8)
    assert capped.n_steps == 8
    with pytest.raises(ValueError, match="tolerance"):
        ex.integrated_gradients(model, inputs, tolerance=0.0)


def test_mi_term_attributions(setup):
    model, _, _, inputs = setup
    assert ex.mi_terms(model) == [
        "cpc_text",
        "cpc_audio",
        "cpc_video",
        "ba_text_audio",
        "ba_text_video",
    ]
    ba = ex.attribute_mi_term(model, inputs, "ba_text_audio", n_steps=16)
    assert np.all(ba.features["video"] == 0.0)
    assert np.any(ba.features["text"] != 0.0) and np.any(ba.features["audio"] != 0.0)
    cpc = ex.attribute_mi_term(model, inputs, "cpc_audio", n_steps=16)
    assert cpc.target == "cpc_audio" and np.isfinite(cpc.delta)
    with pytest.raises(ValueError, match="unknown MI term"):
        ex.attribute_mi_term(model, inputs, "cpc_smell")


def test_faithfulness_scores_on_known_inputs():
    signal = np.array([0, 1, 0, 1, 0, 0], bool)
    present = np.array([1, 1, 1, 1, 1, 0], bool)
    perfect = np.array([0.1, -2.0, 0.2, 3.0, -0.1, 9.0])  # the absent turn must not count
    assert ex.turn_auroc(perfect, present, signal) == 1.0
    assert ex.turn_auroc(-np.abs(perfect), present, signal) == 1.0  # sign does not matter
    wrong = np.array([5, 0, 5, 0, 5, 0.0])  # signal turns get nothing, the others a lot
    assert ex.turn_auroc(wrong, present, signal, center=False) == 0.0
    offset = np.array([10.0, 13.0, 10.1, 7.0, 9.9, 0.0])  # shared offset, signal stands out
    assert ex.turn_auroc(offset, present, signal) == 1.0
    assert ex.turn_auroc(offset, present, signal, center=False) == 0.5
    assert np.isnan(ex.turn_auroc(perfect, present, np.zeros(6, bool)))
    with pytest.raises(ValueError, match="shapes differ"):
        ex.turn_auroc(perfect[:5], present, signal)
    # support for the prediction: signed, so half the turns carrying signal is no problem
    half = np.array([1, 0, 1, 0, 1, 0], bool)
    down = np.array([-3.0, 0.4, -2.5, 0.6, -2.0, 0.0]) + 7.0  # healthy evidence + an offset
    assert ex.turn_auroc(down, present, half, direction=-1.0) == 1.0
    assert ex.turn_auroc(down, present, half, direction=1.0) == 0.0
    assert ex.turn_auroc(down - 7.0, present, half) < 1.0  # centred: median between groups
    scores = ex.turn_scores(down, present, direction=-1.0)
    assert scores[~present] == 0.0 and scores[0] == pytest.approx(-4.0)
    assert ex.prediction_direction(2.0, "logit") == 1.0
    assert ex.prediction_direction(0.2, "prob") == -1.0
    assert ex.prediction_direction(-0.5, "phq") == -1.0
    assert ex.prediction_direction(1.0, "cpc_text") is None
    assert ex.channel_auroc(np.array([3.0, 0.1, -2.0]), np.array([1, 0, 1], bool)) == 1.0
    good = ex.modality_ranking(
        {"text": 3, "audio": 2, "video": 0.1}, {"text": 1, "audio": 0.5, "video": 0}
    )
    assert good.correct and good.spearman == pytest.approx(1.0)
    bad = ex.modality_ranking(
        {"text": 1, "audio": 2, "video": 0.1}, {"text": 1, "audio": 0.5, "video": 0}
    )
    assert not bad.correct and bad.spearman == pytest.approx(0.5)
    tied = ex.modality_ranking(
        {"text": 1, "audio": 2, "video": 0.1}, {"text": 1, "audio": 1, "video": 0}
    )
    assert tied.correct
    strength = {"text": 1, "audio": 0.5, "video": 0}
    close = {"text": 0.92, "audio": 0.90, "video": 0.0}  # within the tie ratio: any order
    flipped = {"text": 1, "audio": 2, "video": 0.1}
    assert ex.modality_ranking(flipped, strength, informativeness=close).correct
    apart = {"text": 0.92, "audio": 0.5, "video": 0.0}  # text clearly above audio
    assert not ex.modality_ranking(flipped, strength, informativeness=apart).correct
    zero_not_last = {"text": 1, "audio": 2, "video": 3}
    assert not ex.modality_ranking(zero_not_last, strength, informativeness=close).correct


def test_loss_shapley_rewards_help_and_punishes_noise():
    """Global (SAGE) values: efficiency, and a modality that only adds noise to the output
    gets a value <= 0 even though it moves the output a lot."""
    from mimml_edu.explain.modality import _coalitions

    rng = np.random.default_rng(0)
    labels = np.r_[np.zeros(30, int), np.ones(20, int)]
    signal = np.where(labels == 1, 2.0, -2.0)  # text: right in every session
    noise = rng.normal(0, 3.0, len(labels))  # video: loud, useless
    values = [
        {s: ("text" in s) * signal[i] + ("video" in s) * noise[i] for s in _coalitions()}
        for i in range(len(labels))
    ]
    phi = ex.loss_shapley(values, labels)
    assert phi["text"] > 0.5 and phi["video"] < 0 and abs(phi["audio"]) < 1e-12
    nll = lambda v, y: np.logaddexp(0, -v) if y else np.logaddexp(0, v)  # noqa: E731
    loss = lambda key: np.mean(  # noqa: E731
        [np.mean([nll(values[i][key], c) for i in np.flatnonzero(labels == c)]) for c in (0, 1)]
    )
    full = frozenset(("text", "audio", "video"))
    assert sum(phi.values()) == pytest.approx(loss(frozenset()) - loss(full))
    with pytest.raises(ValueError, match="both classes"):
        ex.loss_shapley(values[:30], labels[:30])
    with pytest.raises(ValueError, match="target"):
        ex.loss_shapley(values, labels, target="phq")


def test_informativeness_is_zero_without_signal_and_tied_for_equal_views():
    from mimml_edu.data.oracle import modality_informativeness
    from mimml_edu.data.synthetic import make_corpus

    corpus = make_corpus(60, seed=0, strength={"text": 1.0, "audio": 0.5, "video": 0.0})
    info = modality_informativeness(corpus.sessions, corpus.config)
    assert info["video"] == 0.0 and info["text"] > 0 and info["audio"] > 0
    # the knob scales the latent noise with the signal: half strength is about as informative
    assert 1 / 1.25 < info["audio"] / info["text"] < 1.25
    weak = make_corpus(60, seed=0, amplitude=0.02)  # feature noise dominates
    weak_info = modality_informativeness(weak.sessions, weak.config)
    assert max(weak_info.values()) < 0.25 * min(info["text"], info["audio"])


def test_relevance_weighted_turns():
    from mimml_edu.explain.faithfulness import relevance_weighted_turns

    features = {"text": np.array([[1.0, -5.0], [2.0, 5.0]]), "audio": np.array([[3.0], [0.0]])}
    uniform = relevance_weighted_turns(features, {"text": np.ones(2), "audio": np.ones(1)})
    np.testing.assert_allclose(uniform, [-1.0, 7.0])  # uniform relevance: the plain sum
    noisy_off = relevance_weighted_turns(features, {"text": [1.0, 0.0], "audio": [1.0]})
    np.testing.assert_allclose(noisy_off, np.array([4.0, 2.0]) * 3 / 2)  # w = r / mean(r)
    with pytest.raises(ValueError, match="missing"):
        relevance_weighted_turns(features, {"text": np.ones(2)})
    with pytest.raises(ValueError, match=">= 0"):
        relevance_weighted_turns(features, {"text": [1.0, -1.0], "audio": [1.0]})
    with pytest.raises(ValueError, match="zero"):
        relevance_weighted_turns(features, {"text": [0.0, 0.0], "audio": [0.0]})


def _fake_ig(session_id: str, output: float, text: np.ndarray) -> ex.TurnAttribution:
    features = {"text": text, "audio": np.zeros((len(text), 1)), "video": np.zeros((len(text), 1))}
    turns = np.stack([features[m].sum(axis=1) for m in MODALITIES], axis=1)
    return ex.TurnAttribution(
        session_id=session_id,
        method="ig",
        target="logit",
        features=features,
        turns=turns,
        turn_total=turns.sum(axis=1),
        present=np.ones(len(text), bool),
        output=output,
        baseline_output=0.0,
    )


def test_channel_support_keeps_consistent_channels_and_drops_noise():
    from mimml_edu.explain.report import CorpusExplanation, SessionExplanation

    # channel 0 pushes towards the predicted class in both sessions; channel 1 is as loud
    # but pushes for the prediction in one session and against it in the other
    a = _fake_ig("A", 2.0, np.array([[1.0, 3.0], [1.0, 0.0]]))  # predicts depressed
    b = _fake_ig("B", -2.0, np.array([[-2.0, 3.0], [0.0, 0.0]]))  # predicts not
    result = CorpusExplanation(
        sessions=[SessionExplanation(None, None, ig, None) for ig in (a, b)], target="logit"
    )
    np.testing.assert_allclose(result.channel_attribution("text"), [2.0, 3.0])
    np.testing.assert_allclose(result.channel_support("text"), [2.0, 0.0])
    np.testing.assert_allclose(result.turn_relevance()["text"], [2.0, 0.0])
    against = _fake_ig("C", -2.0, np.array([[1.0, 0.0]]))  # channel 0 against the prediction
    lone = CorpusExplanation(
        sessions=[SessionExplanation(None, None, against, None)], target="logit"
    )
    assert lone.channel_support("text")[0] == -1.0 and lone.turn_relevance()["text"][0] == 0.0


def test_corpus_turn_scores_agree_with_the_functions(setup):
    model, corpus, _, _ = setup
    truth = ex.GroundTruth.from_corpus(corpus)
    result = ex.explain_sessions(
        model, corpus.sessions[:3], truth=truth, k=8, n_steps=8, curves=False, progress=False
    )
    relevance = {}  # computed here from its definition: mean support, clipped at 0
    for m in MODALITIES:
        support = [
            e.ig.channel_attribution(m) * ex.prediction_direction(e.ig.output, "logit")
            for e in result.sessions
        ]
        relevance[m] = np.clip(np.mean(support, axis=0), 0.0, None)
    from mimml_edu.explain.faithfulness import relevance_weighted_turns

    for score in ("support", "relevant", "centred", "plain"):
        got = result.turn_aurocs("ig", score=score)
        want = []
        for e in result.sessions:
            total = e.ig.turn_total
            if score == "relevant":
                total = relevance_weighted_turns(e.ig.features, relevance)
            direction = None
            if score in ("support", "relevant"):
                direction = ex.prediction_direction(e.ig.output, "logit")
            signal = truth.signal_turns[e.session.session_id]
            want.append(
                ex.turn_auroc(
                    total, e.ig.present, signal, direction=direction, center=score == "centred"
                )
            )
        np.testing.assert_allclose(got, want)
    with pytest.raises(ValueError, match="per-channel"):
        result.turn_aurocs("occlusion", score="relevant")
    with pytest.raises(ValueError, match="score"):
        result.turn_aurocs("ig", score="loud")


def test_deletion_insertion_endpoints(setup):
    model, _, session, inputs = setup
    curves = ex.deletion_insertion(model, inputs, np.arange(session.n_turns, dtype=float))
    ig = ex.integrated_gradients(model, inputs, n_steps=8)
    gap = abs(ig.output - ig.baseline_output)
    assert curves.deletion[0] == pytest.approx(0.0, abs=1e-6)
    assert curves.insertion[0] == pytest.approx(0.0, abs=1e-6)
    assert curves.deletion[-1] == pytest.approx(gap, abs=1e-5)  # everything removed
    assert curves.insertion[-1] == pytest.approx(gap, abs=1e-5)  # everything inserted
    assert curves.deletion_auc == pytest.approx(np.trapezoid(curves.deletion, curves.fractions))
    with pytest.raises(ValueError, match="turn_scores"):
        ex.deletion_insertion(model, inputs, np.zeros(3))


def test_bad_arguments(setup):
    model, _, session, inputs = setup
    with pytest.raises(ValueError, match="target"):
        ex.modality_shapley(model, inputs, target="odds")
    with pytest.raises(ValueError, match="removal"):
        ex.modality_shapley(model, inputs, removal="noise")
    with pytest.raises(ValueError, match="baseline"):
        ex.session_inputs(model, session, baseline="zeros")
    with pytest.raises(TypeError, match="standardization"):
        ex.session_inputs(torch.nn.Linear(2, 2), session)


def test_zero_signal_modality_gets_the_smallest_attribution():
    model, corpus, _ = trained()
    result = ex.explain_sessions(
        model,
        corpus.split("test") + corpus.split("dev"),
        background=corpus.split("train")[:8],
        truth=ex.GroundTruth.from_corpus(corpus),
        k=8,
        n_steps=16,
        occlusion=False,
        curves=False,
        progress=False,
    )
    importance = result.mean_shapley(absolute=True)
    assert importance["video"] < min(importance["text"], importance["audio"]), importance
    summary = result.summary()
    assert summary["faithfulness"]["modality_ranking"]["correct"]


def test_gate_shown_is_the_gate_a_two_modality_model_used():
    """A text+audio model fuses only where text or audio exists: the gate the explanation
    shows must use that mask, not the turn mask of all three modalities."""
    from model_testdata import DIMS as SMALL_DIMS
    from model_testdata import random_sessions

    from mimml_edu.config import ModelConfig
    from mimml_edu.model import build_model
    from mimml_edu.model.encoders import input_statistics

    session = random_sessions(1, seed=7, turns=(12, 13))[0]
    n = session.n_turns
    session.masks["text"][:] = np.arange(n) % 3 != 0
    session.masks["audio"][:] = np.arange(n) % 3 == 1
    session.masks["video"][:] = True  # video everywhere, but the model does not use it
    torch.manual_seed(0)
    config = ModelConfig(input_dims=dict(SMALL_DIMS), modalities=("text", "audio"), d_proj=8,
                         d_h=8, d_z=12)  # fmt: skip
    model = build_model(config).eval()
    model.set_input_statistics(input_statistics([session]))
    inputs = ex.session_inputs(model, session, k=6)
    gate = ex.gate_values(model, inputs)
    # the gate recomputed by hand from the model's own inputs and mask
    batch = ex.batch_from_tensors(*inputs.feature_args(), *inputs.mask_args())
    with torch.no_grad():
        seqs, _ = model.encode(batch)
        own_mask = batch.mask["text"] | batch.mask["audio"]
        x = torch.cat([seqs[m] for m in model.modalities], dim=-1)
        _, g = model.fusion.block.sequence(x, own_mask)
        wrong_mask = batch.turn_mask  # all three modalities: what a re-run used to take
        _, g_wrong = model.fusion.block.sequence(x, wrong_mask)
    counts = inputs.to_turns(own_mask.float()).numpy()
    expect = inputs.to_turns(g.mean(-1) * own_mask).numpy() / np.maximum(counts, 1e-12)
    expect[counts == 0] = np.nan
    np.testing.assert_allclose(gate, expect, rtol=1e-5, atol=1e-6)
    assert np.isnan(gate[np.arange(n) % 3 == 0]).all()  # turns with only video: no gate
    wrong = inputs.to_turns(g_wrong.mean(-1) * wrong_mask).numpy()
    wrong /= np.maximum(inputs.to_turns(wrong_mask.float()).numpy(), 1e-12)
    assert not np.allclose(np.nan_to_num(wrong), np.nan_to_num(gate))
