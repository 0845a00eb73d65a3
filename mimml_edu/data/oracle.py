"""The oracle of the synthetic corpus: the exact Bayes posterior under its generator.

Public API:

- :func:`oracle_posterior` the exact Bayes posterior P(depressed | observed session) and
  E[PHQ-8 | observed session] for any sessions made by a config (e.g. with a modality
  removed, to get the ceiling of an ablation); :class:`OracleResult`.
- :func:`modality_statistics` the per-session evidence of each modality (for plots).
- :func:`modality_informativeness` the exact signal-to-noise ratio of each modality.

The generative model is described in :mod:`mimml_edu.data.generator`. Given which turns
answer mood questions (which the oracle is told, and a model is not), every observed
quantity is linear-Gaussian given the PHQ-8 score, so the posterior is exact.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mimml_edu.data.batch import MODALITIES, PHQ8_THRESHOLD, Session
from mimml_edu.data.generator import (
    SyntheticConfig,
    confound_channel,
    score_prior,
    severity,
    signal_weights,
)


@dataclass
class OracleResult:
    """The exact Bayes posterior under the generator.

    Attributes:
        session_ids: the sessions, in order.
        p_depressed: ``(n,)`` P(y = 1 | observed session).
        phq_mean: ``(n,)`` E[PHQ-8 score | observed session].
        prevalence: the prior P(y = 1); predicting 1 where ``p_depressed >= prevalence``
            is the Bayes rule for balanced accuracy.
    """

    session_ids: list[str]
    p_depressed: np.ndarray
    phq_mean: np.ndarray
    prevalence: float

    def predictions(self) -> np.ndarray:
        """``(n,)`` the balanced-accuracy-optimal decisions (0/1)."""
        return (self.p_depressed >= self.prevalence).astype(int)


def _modality_statistic(
    session: Session, modality: str, cfg: SyntheticConfig
) -> tuple[float, float] | None:
    """(statistic, noise variance) of ``L_m`` from one modality, or None if no signal turn."""
    mask = session.masks[modality]
    signal = np.asarray(session.meta["signal_turns"], bool)
    s_rows, n_rows = mask & signal, mask & ~signal
    n_s, n_n = int(s_rows.sum()), int(n_rows.sum())
    if n_s == 0:
        return None
    idx, signs = signal_weights(modality)
    x = session.features[modality]
    xs = x[np.ix_(s_rows, idx)].astype(np.float64).mean(axis=0)
    xn = x[np.ix_(n_rows, idx)].astype(np.float64).mean(axis=0) if n_n else np.zeros(len(idx))
    v_id = cfg.identity**2
    beta = v_id / (v_id + 1.0 / n_n) if n_n and v_id else 0.0
    var = v_id + 1.0 / n_s - beta * v_id
    k = len(idx)
    stat = float(signs @ (xs - beta * xn)) / (k * cfg.amplitude) if cfg.amplitude else 0.0
    noise = var / (k * cfg.amplitude**2) if cfg.amplitude else math.inf
    return stat, noise


def modality_statistics(
    sessions: Sequence[Session], config: SyntheticConfig
) -> dict[str, np.ndarray]:
    """The oracle's per-session evidence from each modality (its sufficient statistic).

    Returns:
        modality -> ``(n_sessions,)`` estimate of ``L_m / strength_m``-scale signal (NaN where
        the modality has no signal turn). Depressed sessions sit higher.
    """
    out = {}
    for m in MODALITIES:
        values = []
        for s in sessions:
            got = _modality_statistic(s, m, config)
            values.append(np.nan if got is None else got[0])
        out[m] = np.asarray(values)
    return out


def modality_informativeness(
    sessions: Sequence[Session], config: SyntheticConfig
) -> dict[str, float]:
    """How much each modality tells about the severity: the signal-to-noise ratio of the
    oracle's statistic for that modality, exact under the generator (no sampling).

    Modality ``m``'s statistic is ``L_m + e`` with ``L_m = s_m (c + deviation)``, so its SNR
    about the severity ``c`` is ``s_m^2 Var(c) / (s_m^2 tau^2 + E[var(e)])``, times the share
    of sessions where the modality has a signal turn. The strength knob scales the latent
    noise with the signal: two modalities of non-zero strength differ only through their
    feature noise ``e``, so they can be nearly equally informative; strength 0 gives 0.

    Returns:
        modality -> SNR (0 for a modality without signal).
    """
    p0, p1 = score_prior(config.prevalence)
    prior = config.prevalence * p1 + (1 - config.prevalence) * p0
    c = severity(np.arange(25))
    var_c = float(prior @ c**2 - (prior @ c) ** 2)
    out = {}
    for m in MODALITIES:
        s_m = config.strength[m]
        got = [_modality_statistic(x, m, config) for x in sessions]
        noise = [g[1] for g in got if g is not None and math.isfinite(g[1])]
        if s_m == 0 or not noise:
            out[m] = 0.0
            continue
        snr = s_m**2 * var_c / (s_m**2 * config.tau**2 + float(np.mean(noise)))
        out[m] = snr * len(noise) / max(1, len(sessions))
    return out


def oracle_posterior(
    sessions: Sequence[Session],
    config: SyntheticConfig,
    *,
    modalities: Sequence[str] = MODALITIES,
    use_confound: bool = True,
) -> OracleResult:
    """Exact Bayes posterior of depression for sessions generated with ``config``.

    Args:
        sessions: sessions from :func:`make_corpus` (they need ``meta["signal_turns"]``).
        config: the generator's config.
        modalities: the modalities the oracle may look at (an ablation's ceiling).
        use_confound: whether the oracle may use the confound channel (if any).
    Returns:
        :class:`OracleResult`.
    """
    p0, p1 = score_prior(config.prevalence)
    prior = config.prevalence * p1 + (1 - config.prevalence) * p0
    scores = np.arange(25)
    support = prior > 0
    log_prior = np.log(prior[support])
    c = severity(scores[support])
    y_of = (scores[support] >= PHQ8_THRESHOLD).astype(float)
    p_dep, phq = np.empty(len(sessions)), np.empty(len(sessions))
    for i, s in enumerate(sessions):
        loglik = log_prior.copy()
        stats, noise, a, b, g = [], [], [], [], []
        for m in modalities:
            if config.strength[m] == 0:
                continue
            got = _modality_statistic(s, m, config)
            if got is None:
                continue
            stats.append(got[0])
            noise.append(got[1])
            a.append(config.strength[m] * math.sqrt(config.shared))
            b.append(config.strength[m] * math.sqrt(1 - config.shared))
            g.append(config.strength[m])
        if stats and all(math.isfinite(v) for v in noise):
            z, a_, b_ = np.array(stats), np.array(a), np.array(b)
            cov = config.tau**2 * (np.outer(a_, a_) + np.diag(b_**2)) + np.diag(noise)
            resid = z[None, :] - c[:, None] * np.array(g)[None, :]  # (n_scores, n_mod)
            sol = np.linalg.solve(cov, resid.T)  # (n_mod, n_scores)
            loglik += -0.5 * np.einsum("sm,ms->s", resid, sol)
        cm = config.confound_modality
        if use_confound and config.confound and cm in modalities and s.masks[cm].any():
            n_obs = int(s.masks[cm].sum())
            xbar = float(s.features[cm][s.masks[cm], confound_channel(cm)].mean())
            var = config.identity**2 + 1.0 / n_obs
            loglik += -0.5 * (xbar - config.confound * (2 * y_of - 1)) ** 2 / var
        w = np.exp(loglik - loglik.max())
        w /= w.sum()
        p_dep[i] = float(w @ y_of)
        phq[i] = float(w @ scores[support])
    return OracleResult([s.session_id for s in sessions], p_dep, phq, config.prevalence)
