"""From trained runs to the map's tables: one row per regime, condition and variant, and a
verdict per prediction.

- :class:`Prediction`, :func:`load_predictions`: what is expected of a variant in a regime,
  written down before the runs (a YAML list; see ``bench/regimes_predictions.yaml``).
- :func:`summarise`: the rows (balanced accuracy over seeds, the oracle there, the paired
  difference to full MIMML and to the oracle with intervals, probes, gates, times).
- :func:`judge`: each prediction's measured difference, interval and verdict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from mimml_edu.component_map.run import DIAGNOSTIC_CONDITION, JobResult, RegimeData
from mimml_edu.component_map.stats import paired_interval, seed_interval, verdict
from mimml_edu.component_map.variants import FULL, check_variant, modalities_of
from mimml_edu.data.batch import MODALITIES
from mimml_edu.data.regimes import get_condition, get_regime
from mimml_edu.errors import ConfigError
from mimml_edu.metrics import auroc, balanced_accuracy

#: Gated blocks whose mean gate is read: the fusion block and each encoder's.
GATED_BLOCKS = ("fusion", *MODALITIES)
QUANTITIES = (
    "balanced_accuracy",
    *(f"probe_{m}" for m in MODALITIES),
    *(f"gate_{b}" for b in GATED_BLOCKS),
)


@dataclass(frozen=True)
class Prediction:
    """One expected difference, stated before the runs.

    Attributes:
        regime, condition, variant: where.  quantity: one of :data:`QUANTITIES`.
        expect: ``"<"``, ``">"`` or ``"="``: the sign of ``variant - reference``.
        reference: ``"MIMML (full)"`` (default) or a number (e.g. 0.5 for a gate).
        margin: equivalence margin of ``"="``.  reason, source: why, and after whom.
    """

    regime: str
    condition: str
    variant: str
    quantity: str
    expect: str
    reference: str | float = FULL
    margin: float = 0.0
    reason: str = ""
    source: str = ""


def load_predictions(path: str | Path) -> list[Prediction]:
    """Read and check a predictions file (a YAML mapping with a ``predictions`` list).

    Raises :class:`ConfigError` naming the file, the entry and the key that is wrong.
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"predictions file not found: {path}")
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        raise ConfigError(f"not valid YAML: {err}", path=path) from None
    entries = data.get("predictions") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError("expected a mapping with a 'predictions' list", path=path)
    known = {f.name for f in fields(Prediction)}
    out = []
    for i, entry in enumerate(entries):
        where = f"predictions[{i}]"
        if not isinstance(entry, dict):
            raise ConfigError("each prediction must be a mapping", path=path, key=where)
        bad = sorted(set(entry) - known)
        if bad:
            raise ConfigError(
                f"unknown key(s) {bad}; known: {sorted(known)}", path=path, key=where
            )
        try:
            p = Prediction(**entry)
            get_regime(p.regime)
            get_condition(p.condition)
            check_variant(p.variant)
        except (TypeError, ConfigError) as err:
            raise ConfigError(str(err), path=path, key=where) from None
        if p.condition not in get_regime(p.regime).conditions:
            raise ConfigError(
                f"regime {p.regime!r} is not scored under {p.condition!r}", path=path, key=where
            )
        if p.quantity not in QUANTITIES:
            raise ConfigError(
                f"quantity must be one of {QUANTITIES}", path=path, key=f"{where}.quantity"
            )
        if p.expect not in ("<", ">", "="):
            raise ConfigError("expect must be '<', '>' or '='", path=path, key=f"{where}.expect")
        if p.expect == "=" and not p.margin > 0:
            raise ConfigError(
                "an '=' prediction needs a margin > 0", path=path, key=f"{where}.margin"
            )
        if isinstance(p.reference, str) and p.reference != FULL:
            raise ConfigError(
                f"reference must be {FULL!r} or a number", path=path, key=f"{where}.reference"
            )
        out.append(p)
    return out


def _group(jobs: Sequence[JobResult]) -> dict[tuple[str, str], list[JobResult]]:
    groups: dict[tuple[str, str], list[JobResult]] = {}
    for j in sorted(jobs, key=lambda j: j.seed):
        groups.setdefault((j.regime, j.variant), []).append(j)
    return groups


def _paired(a: list[JobResult], b: list[JobResult]) -> tuple[list[JobResult], list[JobResult]]:
    seeds = sorted({j.seed for j in a} & {j.seed for j in b})
    return [j for j in a if j.seed in seeds], [j for j in b if j.seed in seeds]


def _values(runs: list[JobResult], quantity: str, condition: str) -> np.ndarray:
    """``(S, n)`` session probabilities behind a quantity (balanced accuracy or a probe)."""
    if quantity == "balanced_accuracy":
        return np.stack([r.prob[condition] for r in runs])
    m = quantity.removeprefix("probe_")
    return np.stack([r.probe.get(m, np.full(len(r.prob[condition]), np.nan)) for r in runs])


def _difference(
    runs: list[JobResult], ref: list[JobResult], quantity: str, condition: str, labels, n_boot
):
    a, b = _values(runs, quantity, condition), _values(ref, quantity, condition)
    keep = np.isfinite(a).all(0) & np.isfinite(b).all(0)
    return paired_interval(a >= 0.5, b >= 0.5, labels, n_boot=n_boot, sessions=keep)


def _ba(prob: np.ndarray, labels: np.ndarray) -> float:
    keep = np.isfinite(prob)
    return (
        balanced_accuracy(labels[keep], (prob[keep] >= 0.5).astype(int)) if keep.any() else np.nan
    )


def summarise(
    jobs: Sequence[JobResult],
    data: Mapping[str, RegimeData],
    *,
    n_boot: int = 2000,
    fingerprints: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """One row per (regime, condition, variant): see the module docstring.

    Args:
        jobs: the runs.  data: regime name -> its :class:`RegimeData`.
        n_boot: bootstrap draws per interval.  fingerprints: regime -> generator fingerprint.
    """
    groups, rows = _group(jobs), []
    for (regime, variant), runs in groups.items():
        d = data[regime]
        view = modalities_of(variant)
        full = groups.get((regime, FULL))
        for c in d.conditions:
            probs = np.stack([r.prob[c] for r in runs])
            bas = np.array([_ba(p, d.labels) for p in probs])
            oracle = d.oracle[(c, view)]
            row: dict[str, Any] = {
                "regime": regime,
                "condition": c,
                "variant": variant,
                "seeds": len(runs),
                "fresh_sessions": len(d.labels),
                "balanced_accuracy_mean": bas.mean(),
                "balanced_accuracy_sd": bas.std(ddof=1) if len(bas) > 1 else 0.0,
                "auroc_mean": float(np.mean([auroc(d.labels, p) for p in probs])),
                "oracle_balanced_accuracy": balanced_accuracy(d.labels, oracle),
                "oracle_balanced_accuracy_all": balanced_accuracy(
                    d.labels, d.oracle[(c, MODALITIES)]
                ),
            }
            if full is not None and variant != FULL:
                a, b = _paired(runs, full)
                iv = _difference(a, b, "balanced_accuracy", c, d.labels, n_boot)
                row.update(diff_to_full=iv.value, diff_low=iv.low, diff_high=iv.high)
            else:
                row.update(diff_to_full=np.nan, diff_low=np.nan, diff_high=np.nan)
            iv = paired_interval(probs >= 0.5, oracle, d.labels, n_boot=n_boot)
            row.update(vs_oracle=iv.value, vs_oracle_low=iv.low, vs_oracle_high=iv.high)
            row["p_above_oracle"] = iv.p_not_above
            for m in MODALITIES:
                on = c == DIAGNOSTIC_CONDITION and m in view
                row[f"probe_{m}"] = (
                    np.mean([_ba(r.probe[m], d.labels) for r in runs]) if on else np.nan
                )
            for b in GATED_BLOCKS:
                vals = [r.gate.get(b, np.nan) for r in runs] if c == DIAGNOSTIC_CONDITION else []
                row[f"gate_{b}"] = (
                    float(np.mean(vals)) if vals and np.isfinite(vals).all() else np.nan
                )
            row["train_seconds"] = float(np.mean([r.train_seconds for r in runs]))
            row["eval_seconds"] = float(np.mean([r.eval_seconds for r in runs]))
            row["best_epoch_mean"] = float(np.mean([r.best_epoch for r in runs]))
            row["fingerprint"] = (fingerprints or {}).get(regime, "")
            rows.append(row)
    return rows


def judge(
    predictions: Sequence[Prediction],
    jobs: Sequence[JobResult],
    data: Mapping[str, RegimeData],
    *,
    n_boot: int = 2000,
    fingerprints: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Each prediction whose runs are present, measured and judged (module docstring)."""
    groups, out = _group(jobs), []
    for p in predictions:
        runs = groups.get((p.regime, p.variant))
        if runs is None or p.regime not in data or p.condition not in data[p.regime].conditions:
            continue
        d = data[p.regime]
        row = {f.name: getattr(p, f.name) for f in fields(Prediction)}
        if p.quantity.startswith("gate_"):
            block = p.quantity.removeprefix("gate_")
            values = np.array([r.gate.get(block, np.nan) for r in runs])
            if isinstance(p.reference, str):
                ref_runs = groups.get((p.regime, p.reference))
                if ref_runs is None:
                    continue
                runs, ref_runs = _paired(runs, ref_runs)
                values = np.array([r.gate.get(block, np.nan) for r in runs])
                ref = np.array([r.gate.get(block, np.nan) for r in ref_runs])
            else:
                ref = np.full(len(values), float(p.reference))
            iv = seed_interval(values, ref, n_boot=n_boot)
            value, ref_value = float(np.nanmean(values)), float(np.nanmean(ref))
        else:
            if not isinstance(p.reference, str):
                raise ConfigError(f"{p.quantity} is compared with a variant, not a number")
            ref_runs = groups.get((p.regime, p.reference))
            if ref_runs is None:
                continue
            runs, ref_runs = _paired(runs, ref_runs)
            iv = _difference(runs, ref_runs, p.quantity, p.condition, d.labels, n_boot)
            value = float(
                np.mean([_ba(v, d.labels) for v in _values(runs, p.quantity, p.condition)])
            )
            ref_value = float(
                np.mean([_ba(v, d.labels) for v in _values(ref_runs, p.quantity, p.condition)])
            )
        row.update(
            value=value,
            reference_value=ref_value,
            diff=iv.value,
            low=iv.low,
            high=iv.high,
            seeds=len(runs),
            verdict=verdict(p.expect, iv.low, iv.high, margin=p.margin),
            fingerprint=(fingerprints or {}).get(p.regime, ""),
        )
        out.append(row)
    return out
