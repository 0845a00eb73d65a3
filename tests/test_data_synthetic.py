"""The synthetic corpus: shapes, determinism, knobs, and the oracle's exactness."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mimml_edu.data import MODALITIES, make_windows
from mimml_edu.data.channels import DIMS
from mimml_edu.data.generator import signal_weights
from mimml_edu.data.oracle import oracle_posterior
from mimml_edu.data.splits import check_disjoint, sessions_by_split
from mimml_edu.data.synthetic import make_corpus
from mimml_edu.metrics import balanced_accuracy


@pytest.fixture(scope="module")
def corpus():
    return make_corpus()


def test_default_corpus_shapes_and_splits(corpus):
    assert len(corpus.sessions) == 189
    s = corpus.sessions[0]
    assert s.dims() == {"text": 384, "audio": 74, "video": 38} == DIMS
    assert s.channel_names["audio"][0] == "F0" and s.channel_names["video"][7] == "AU12_r"
    turns = [x.n_turns for x in corpus.sessions]
    assert 45 <= min(turns) and max(turns) <= 75 and 55 <= np.mean(turns) <= 65
    groups = sessions_by_split(corpus.sessions)
    assert [len(groups[k]) for k in ("train", "dev", "test")] == [107, 35, 47]
    check_disjoint(groups)
    for name, members in groups.items():
        share = np.mean([x.label for x in members])
        assert 0.2 < share < 0.4, (name, share)
    assert all((x.phq_score >= 10) == bool(x.label) for x in corpus.sessions)


def test_default_oracle_in_target_band(corpus):
    assert 0.80 <= corpus.oracle_balanced_accuracy() <= 0.92


def test_deterministic_and_knobs_change_only_what_they_control(corpus):
    again = make_corpus()
    for a, b in zip(corpus.sessions, again.sessions, strict=True):
        for m in MODALITIES:
            np.testing.assert_array_equal(a.features[m], b.features[m])
    weaker = make_corpus(strength={"audio": 0.0})
    a, b = corpus.sessions[3], weaker.sessions[3]
    np.testing.assert_array_equal(a.features["text"], b.features["text"])
    assert not np.array_equal(a.features["audio"], b.features["audio"])
    assert a.label == b.label and a.n_turns == b.n_turns


def test_signal_lives_in_the_ground_truth_channels_and_turns():
    c = make_corpus(400, seed=2, p_missing_session={"audio": 0.0, "video": 0.0})
    y = c.labels
    for m in MODALITIES:
        idx, signs = signal_weights(m)
        assert c.signal_channels[m].sum() == len(idx)
        on, off = [], []
        for s in c.sessions:
            rows = c.signal_turns[s.session_id] & s.masks[m]
            other = ~c.signal_turns[s.session_id] & s.masks[m]
            on.append(s.features[m][np.ix_(rows, idx)].mean(0) @ signs)
            off.append(s.features[m][np.ix_(other, idx)].mean(0) @ signs)
        on, off = np.array(on), np.array(off)
        # signal turns separate the classes; the same channels in other turns do not
        assert on[y == 1].mean() - on[y == 0].mean() > 1.0
        assert abs(off[y == 1].mean() - off[y == 0].mean()) < 0.5


def test_oracle_is_calibrated_and_beats_a_misspecified_one():
    c = make_corpus(2500, seed=3)
    p, y = c.oracle.p_depressed, c.labels
    bins = np.digitize(p, [0.2, 0.4, 0.6, 0.8])
    for b in range(5):
        sel = bins == b
        assert abs(p[sel].mean() - y[sel].mean()) < 0.06, b

    def loglik(q):
        return np.mean(np.log(np.where(y == 1, q, 1 - q)))

    wrong = oracle_posterior(c.sessions, replace(c.config, shared=0.0)).p_depressed
    assert loglik(p) > loglik(wrong) + 0.01


def test_knobs_move_the_ceiling_the_right_way():
    base = make_corpus(1000, seed=4).oracle_balanced_accuracy()
    redundant = make_corpus(1000, seed=4, shared=1.0).oracle_balanced_accuracy()
    silent = make_corpus(1000, seed=4, strength={m: 0.0 for m in MODALITIES})
    assert redundant < base - 0.02
    assert abs(silent.oracle_balanced_accuracy() - 0.5) < 1e-9
    leaky = make_corpus(1000, seed=4, confound=1.0)
    no_leak = oracle_posterior(leaky.sessions, leaky.config, use_confound=False)
    assert leaky.oracle_balanced_accuracy() > 0.95
    assert balanced_accuracy(leaky.labels, no_leak.predictions()) < 0.93


def test_missing_modalities_and_imbalance():
    c = make_corpus(300, seed=6, prevalence=0.1, p_missing_session={"video": 0.5})
    assert 0.05 < c.labels.mean() < 0.16
    missing = [s for s in c.sessions if not s.present()["video"]]
    assert 100 < len(missing) < 200
    assert all(not s.features["video"].any() for s in missing)
    only_text = oracle_posterior(c.sessions, c.config, modalities=("text",))
    assert only_text.p_depressed.shape == (300,)


def test_windows_of_a_corpus_session():
    s = make_corpus(3).sessions[0]
    windows = make_windows(s, k=16)
    assert windows[-1].stop == s.n_turns


def test_bad_knobs_are_rejected():
    with pytest.raises(TypeError, match="unknown knobs"):
        make_corpus(10, strenght={"text": 1.0})
    with pytest.raises(ValueError, match="unknown modalities"):
        make_corpus(10, strength={"speech": 1.0})
    with pytest.raises(ValueError, match="prevalence"):
        make_corpus(10, prevalence=1.5)
