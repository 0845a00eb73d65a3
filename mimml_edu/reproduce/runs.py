"""Training one model per seed and predicting the evaluated splits, labels joined last.

Public API: :class:`SeedRun` and :func:`train_seeds`.
"""

from __future__ import annotations

import copy
import dataclasses
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from mimml_edu.checkpoints import corpus_record
from mimml_edu.errors import MimmlError, TrainingError
from mimml_edu.evaluate import Predictions, predict_windows
from mimml_edu.reproduce.protocol import Prepared, Protocol


@dataclass
class SeedRun:
    """One trained model and its window-level predictions.

    Attributes:
        seed: the training seed.  stopped: why training ended.  best_epoch: the epoch
        kept.  epochs: epochs run.  dev_macro_f1: its dev macro-F1 (session level).
        wall_seconds: training time.  windows: split -> window-level
        :class:`~mimml_edu.evaluate.Predictions` (labels joined from the held-out table).
        checkpoint: where ``best.pt`` was written (None: not kept).
    """

    seed: int
    stopped: str
    best_epoch: int
    epochs: int
    dev_macro_f1: float
    wall_seconds: float
    windows: dict[str, Predictions] = field(default_factory=dict)
    checkpoint: str | None = None

    def to_dict(self) -> dict:
        keys = ("seed", "stopped", "best_epoch", "epochs", "dev_macro_f1", "wall_seconds")
        out = {k: getattr(self, k) for k in keys}
        out["checkpoint"] = self.checkpoint
        return out


def join_labels(p: Predictions, labels: dict[str, tuple]) -> Predictions:
    """Window predictions of blind sessions with the held-out labels put back."""
    rows = [labels.get(sid, (None, None, None)) for sid in p.session_id]

    def column(i: int, missing, dtype):
        return np.array([missing if r[i] is None else r[i] for r in rows], dtype=dtype)

    return dataclasses.replace(
        p,
        label=column(0, -1, np.int64),
        phq=column(1, np.nan, np.float64),
        gender=column(2, -1, np.int64),
    )


def train_seeds(
    protocol: Protocol, prepared: Prepared, *, out: Path | None = None, variant: str = "mimml"
) -> list[SeedRun]:
    """Train one model per seed on train (model selection on dev) and predict every
    evaluated split of ``prepared``.

    Args:
        protocol: the run's settings.  prepared: its data (:func:`prepare`).
        out: when given, each seed's ``best.pt`` goes to ``out/models/<variant>/seed_<n>``.
        variant: a name for the folder (``mimml``, ``mimml_with_interviewer``).
    Returns:
        one :class:`SeedRun` per seed.
    """
    from tqdm.auto import tqdm

    from mimml_edu.train import fit

    config = copy.deepcopy(protocol.config)
    config.model.input_dims = prepared.train[0].dims()  # the data decides the widths
    config.objective.class_weighted = prepared.class_weighted
    config.model.multitask = config.model.multitask and prepared.multitask
    tc = config.train
    record = corpus_record(prepared.corpus, [*prepared.train, *prepared.dev])
    if variant != "mimml":
        record["options"] = {**record["options"], "include_interviewer": True}
    runs = []
    bar = tqdm(protocol.seed_list, desc=variant, unit="seed", disable=not protocol.progress)
    for seed in bar:
        config.train.seed = seed
        where = out / "models" / variant / f"seed_{seed}" if out is not None else None
        start = time.perf_counter()
        try:
            result = fit(
                config,
                prepared.train,
                prepared.dev,
                out_dir=where,
                progress=False,
                data=record,
                extra={"reproduce": {"corpus": protocol.corpus, "variant": variant}},
                model_selection=prepared.selection,
            )
        except ValueError as err:  # what the data cannot support, said in one line
            if isinstance(err, MimmlError):
                raise
            raise TrainingError(f"{variant}, seed {seed}: {err}") from None
        seconds = time.perf_counter() - start
        windows = {
            name: join_labels(
                predict_windows(result.model, sessions, k=tc.k, stride=tc.stride),
                prepared.labels,
            )
            for name, sessions in prepared.blind.items()
        }
        runs.append(
            SeedRun(
                seed=seed,
                stopped=result.stopped,
                best_epoch=result.best_epoch,
                epochs=len(result.history.get("lr", [])),
                dev_macro_f1=float(result.best_dev_macro_f1),
                wall_seconds=seconds,
                windows=windows,
                checkpoint=str(where / "best.pt") if where is not None else None,
            )
        )
    return runs
