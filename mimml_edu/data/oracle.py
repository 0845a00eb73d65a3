"""The oracle of the synthetic corpus: the exact Bayes posterior under its generator.

Public API:

- :func:`oracle_posterior` the exact Bayes posterior P(depressed | observed session) and
  E[PHQ-8 | observed session] for any sessions made by a config (e.g. with a modality
  removed, to get the ceiling of an ablation); :class:`OracleResult`.
- :func:`modality_statistics` the per-session evidence of each modality (for plots).
- :func:`modality_informativeness` the exact signal-to-noise ratio of each modality.

The generative model is described in :mod:`mimml_edu.data.generator`. Given which turns
carry the signal and how (which the oracle is told, and a model is not), every observed
quantity is linear-Gaussian given the latent state (the PHQ-8 score, or its three parts
with ``information="unique"``), so the posterior is exact: a sum over the states of
:func:`~mimml_edu.data.generator.latent_states`. This holds for every setting of the
generator, and for any missing data that does not depend on the person (the masks).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.data.generator import (
    SyntheticConfig,
    confound_channel,
    latent_states,
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


def _pattern(session: Session) -> np.ndarray:
    """``(n_turns,)`` signal coefficient per turn (older sessions: the signal turns as 1)."""
    pattern = session.meta.get("signal_pattern")
    if pattern is None:
        pattern = np.asarray(session.meta["signal_turns"], bool).astype(float)
    return np.asarray(pattern, dtype=np.float64)


def _modality_statistic(
    session: Session, modality: str, cfg: SyntheticConfig
) -> tuple[float, float] | None:
    """(statistic, noise variance) of ``L_m`` from one modality, or None if it has no signal.

    Per signal channel ``j`` the observed turns are ``x_j = id_j 1 + a s_j L A + e`` with
    ``id_j ~ N(0, identity^2)``, ``e ~ N(0, I)`` and the turn pattern ``A``: generalised
    least squares with ``Sigma^-1 = I - v/(1 + n v) 1 1^T`` gives the exact Gaussian
    likelihood of ``L`` (the statistic is ``L`` plus noise of the returned variance).
    """
    mask = session.masks[modality]
    a = cfg.amplitude * cfg.amplitude_scale[modality]
    pattern = _pattern(session)[mask]
    if a == 0 or not pattern.any():
        return None
    idx, signs = signal_weights(modality)
    w = session.features[modality][np.ix_(mask, idx)].astype(np.float64) @ signs  # (n_obs,)
    v, n = cfg.identity**2, len(pattern)
    shrink = v / (1.0 + n * v)
    info = len(idx) * a**2 * (pattern @ pattern - shrink * pattern.sum() ** 2)
    if info <= 0:
        return None
    score = a * (pattern @ w - shrink * pattern.sum() * w.sum())
    return score / info, 1.0 / info


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

    Modality ``m``'s statistic is ``L_m + e`` with ``L_m = s_m (c_m + deviation)``; with
    ``R^2`` its squared correlation with the severity ``c`` (``c_m = c`` unless
    ``information="unique"``), the SNR is ``R^2 / (1 - R^2)``, i.e.
    ``s_m^2 Var(c) / (s_m^2 tau^2 + E[var(e)])`` when every modality sees ``c``, times the
    share of sessions where the modality has a signal turn. The strength knob scales the
    latent noise with the signal: two modalities of non-zero strength differ only through
    their feature noise ``e``, so they can be nearly equally informative; strength 0 gives 0.

    Returns:
        modality -> SNR (0 for a modality without signal).
    """
    states = latent_states(config)
    prior = np.exp(states.log_prior - states.log_prior.max())
    prior /= prior.sum()
    c = severity(states.score)
    var_c = float(prior @ c**2 - (prior @ c) ** 2)
    out = {}
    for j, m in enumerate(MODALITIES):
        s_m = config.strength[m]
        got = [_modality_statistic(x, m, config) for x in sessions]
        noise = [g[1] for g in got if g is not None and math.isfinite(g[1])]
        if s_m == 0 or not noise:
            out[m] = 0.0
            continue
        level = states.level[:, j]
        var_m = float(prior @ level**2 - (prior @ level) ** 2)
        cov = float(prior @ (level * c) - (prior @ level) * (prior @ c))
        r2 = s_m**2 * cov**2 / ((s_m**2 * (var_m + config.tau**2) + np.mean(noise)) * var_c)
        out[m] = float(r2 / (1 - r2)) * len(noise) / max(1, len(sessions))
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
    states = latent_states(config)
    y_of = states.label.astype(float)
    p_dep, phq = np.empty(len(sessions)), np.empty(len(sessions))
    for i, s in enumerate(sessions):
        loglik = states.log_prior.copy()
        stats, noise, a, b, cols = [], [], [], [], []
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
            cols.append(MODALITIES.index(m))
        if stats:
            z, a_, b_ = np.array(stats), np.array(a), np.array(b)
            cov = config.tau**2 * (np.outer(a_, a_) + np.diag(b_**2)) + np.diag(noise)
            gain = np.array([config.strength[MODALITIES[j]] for j in cols])
            resid = z[None, :] - states.level[:, cols] * gain[None, :]  # (n_states, n_mod)
            sol = np.linalg.solve(cov, resid.T)  # (n_mod, n_states)
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
        phq[i] = float(w @ states.score)
    return OracleResult([s.session_id for s in sessions], p_dep, phq, config.prevalence)
