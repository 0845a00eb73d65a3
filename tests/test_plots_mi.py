"""Chapter 05's figures: the trailing mean they draw, estimator names, the playground's title."""

from __future__ import annotations

import numpy as np
import pytest

from mimml_edu.plots.mi import _trailing_mean, estimator_label, plot_playground

pytestmark = pytest.mark.usefixtures("one_thread")


def test_trailing_mean_forgets_wild_early_values():
    series = np.array([1000.0] + [3.0] * 99)
    out = _trailing_mean(series, 5)
    assert out[0] == 1000.0 and out[2] == pytest.approx((1000 + 6) / 3)
    assert np.allclose(out[5:], 3.0)
    assert len(_trailing_mean(np.array([]))) == 0
    with pytest.raises(ValueError, match="window"):
        _trailing_mean(series, 0)


def test_estimator_labels():
    assert estimator_label("smile_5") == "SMILE τ=5"
    assert estimator_label("smile_inf") == "SMILE τ=∞"
    assert estimator_label("infonce") == "InfoNCE"
    assert estimator_label("my_own") == "my_own"


def test_playground_trains_what_it_says():
    fig = plot_playground(estimator="infonce", mi=2.0, batch_size=16, steps=8)
    title = fig.axes[0].get_title()
    assert title.startswith("InfoNCE: last 2 steps") and "truth 2 nats (B=16)" in title
    with pytest.raises(ValueError, match="unknown estimator"):
        plot_playground(estimator="smile", steps=8)
