"""``fit()``: MIMML's two-stage training loop, with checkpoints that resume exactly.

Each epoch (*from MMIM*): **stage 0** passes over the training windows updating only the
Barber-Agakov heads (``mmilb`` group) on ``-lld``; **stage 1** passes again updating
everything else (``main`` group) on the full objective
(:class:`~mimml_edu.objectives.mimml_loss.MIMMLObjective`), then the unimodal labels
move (*from Self-MM*). After each epoch the dev set's **session-level macro-F1** drives
ReduceLROnPlateau and early stopping.

Checkpoints (the format of :mod:`mimml_edu.checkpoints`): ``last.pt`` holds everything
needed to resume (model, both optimizers, scheduler, label bank, RNG state, history);
``best.pt`` the best model on dev. Both record the data they were trained on, and
``resume`` refuses a ``last.pt`` of other data or another config. A run with one seed is
deterministic on CPU, and a resumed run equals an uninterrupted one.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from mimml_edu.checkpoints import data_record, model_checkpoint, read_resume, save_atomic
from mimml_edu.config import Config
from mimml_edu.data.batch import Batch, Session, WindowDataset, collate
from mimml_edu.errors import ConfigError
from mimml_edu.evaluate import compute_metrics, predict_windows, to_sessions
from mimml_edu.model import build_model
from mimml_edu.model.encoders import input_statistics
from mimml_edu.objectives.mimml_loss import MIMMLObjective, class_weights
from mimml_edu.objectives.multitask import UnimodalLabels


@dataclass
class FitResult:
    """What :func:`fit` gives back.

    Attributes:
        model: the network with the best dev weights loaded.
        history: name -> one value per epoch: ``stage0/<term>``, ``stage1/<term>`` (means
            over batches), ``dev/macro_f1``, ``dev/balanced_accuracy`` (session level),
            ``lr``, ``elapsed`` (training seconds so far).
        best_epoch, best_dev_macro_f1: the epoch (1-based) that ``best.pt`` holds.
        stopped: why training ended (``max epochs``, ``early stopping``, ``time limit``
            or ``non-finite loss: ...`` naming the term).
        labels: the unimodal label bank (None without multitask).
        wall_seconds: training time, excluding the callback.
        out_dir: where the checkpoints are (None: nothing on disk).
        label_snapshots: modality -> ``(epochs, n_windows)`` generated labels after each
            epoch of this call (with ``keep_label_snapshots``), else None.
        best_path: ``out_dir/best.pt`` when it holds this run's best weights (written by
            this call, or by the run it resumed); None when no epoch finished (a file of
            that name left by an earlier run is not this run's).
    """

    model: nn.Module
    history: dict[str, list[float]]
    best_epoch: int
    best_dev_macro_f1: float
    stopped: str
    labels: UnimodalLabels | None = None
    wall_seconds: float = 0.0
    out_dir: Path | None = None
    label_snapshots: dict[str, torch.Tensor] | None = None
    best_path: Path | None = None


@dataclass
class _Run:
    """Everything one training run holds between epochs."""

    config: Config
    model: nn.Module
    full: Batch
    objective: MIMMLObjective
    labels: UnimodalLabels | None
    groups: dict[str, list[nn.Parameter]]
    opt_main: torch.optim.Optimizer
    opt_mmilb: torch.optim.Optimizer | None
    scheduler: Any
    history: dict[str, list[float]] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    best_state: dict[str, torch.Tensor] = field(default_factory=dict)


def _setup(config: Config, train: Sequence[Session], model: nn.Module | None) -> _Run:
    """Seed, build the network, the windows, the objective and the optimizers."""
    tc = config.train
    torch.manual_seed(tc.seed)
    if model is None:
        model = build_model(config.model)
    model.set_input_statistics(input_statistics(train))
    model.to(torch.device(tc.device))
    full = collate(WindowDataset(train, k=tc.k, stride=tc.stride).windows, k=tc.k)
    weights = class_weights(full.label) if config.objective.class_weighted else None
    labels = None
    if len(model.unimodal_heads):
        labels = UnimodalLabels(
            keys=list(zip(full.session_id, full.start.tolist(), strict=True)),
            phq=full.phq,
            modalities=list(model.unimodal_heads.keys()),
            d_h=config.model.d_h,
            d_z=config.model.d_z,
            clamp=config.objective.label_clamp,
        )
    objective = MIMMLObjective(config=config.objective, class_weights=weights, labels=labels)
    groups = model.parameter_groups()
    opt_main = torch.optim.Adam(groups["main"], lr=tc.lr, weight_decay=tc.weight_decay)
    opt_mmilb = torch.optim.Adam(groups["mmilb"], lr=tc.lr_mmilb) if groups["mmilb"] else None
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt_main, mode="max", factor=tc.plateau_factor, patience=tc.plateau_patience
    )
    state = {"epoch": 0, "best_f1": -math.inf, "best_epoch": 0, "bad_epochs": 0, "elapsed": 0.0}
    return _Run(
        config,
        model,
        full,
        objective,
        labels,
        groups,
        opt_main,
        opt_mmilb,
        scheduler,
        state=state,
        best_state=copy.deepcopy(model.state_dict()),
    )


def _resume(run: _Run, path: Path, data: Mapping[str, Any]) -> None:
    """Restore a run from ``last.pt``; refuse another config, other data, non-finite or
    damaged state (:func:`~mimml_edu.checkpoints.read_resume`)."""
    modules = {"model": run.model, "optim_main": run.opt_main, "optim_mmilb": run.opt_mmilb,
               "scheduler": run.scheduler, "labels": run.labels}  # fmt: skip
    run.history, run.state, run.best_state = read_resume(
        path, config=run.config, data=data, modules=modules
    )


def _subbatch(full: Batch, idx: torch.Tensor) -> Batch:
    return Batch(
        text=full.text[idx],
        audio=full.audio[idx],
        video=full.video[idx],
        mask={m: v[idx] for m, v in full.mask.items()},
        label=full.label[idx],
        phq=full.phq[idx],
        session_id=[full.session_id[i] for i in idx.tolist()],
        start=full.start[idx],
    )


def _check_finite(terms: dict[str, torch.Tensor], where: str) -> str | None:
    for name, value in terms.items():
        if not torch.isfinite(value).all():
            return f"non-finite loss: term {name!r} is {value.item()} ({where})"
    return None


def _stage(run: _Run, stage: int, epoch: int, gen: torch.Generator, sums: dict) -> str | None:
    """One pass over the training windows; returns why it stopped early, if it did."""
    tc, device = run.config.train, torch.device(run.config.train.device)
    group, optimizer = ("mmilb", run.opt_mmilb) if stage == 0 else ("main", run.opt_main)
    run.objective.memory.clear()
    n = len(run.full)
    order = torch.randperm(n, generator=gen)
    for b, i in enumerate(range(0, n, tc.batch_size)):
        batch = _subbatch(run.full, order[i : i + tc.batch_size]).to(device)
        if stage == 0:
            terms = run.objective.stage0(run.model, batch)
        else:
            out = run.model(batch)
            terms = run.objective.stage1(run.model, out, batch)
        params, opt = run.groups[group], optimizer
        bad = _check_finite(terms, f"stage {stage}, epoch {epoch}, batch {b + 1}")
        if bad:
            return bad
        opt.zero_grad(set_to_none=True)
        terms["total"].backward()
        nn.utils.clip_grad_norm_(params, tc.grad_clip)
        opt.step()
        if stage == 1 and run.labels is not None:
            rows = run.labels.rows(batch.session_id, batch.start.cpu())
            run.labels.update(rows, out.h, out.z, out.present, epoch=epoch)
        for name, value in terms.items():
            total, count = sums.get(f"stage{stage}/{name}", (0.0, 0))
            sums[f"stage{stage}/{name}"] = (total + float(value.detach()), count + 1)
    return None


def _dev_scores(run: _Run, dev: Sequence[Session]) -> dict[str, float]:
    tc = run.config.train
    device = torch.device(tc.device)
    p = predict_windows(
        run.model, dev, k=tc.k, stride=tc.stride, batch_size=tc.eval_batch_size, device=device
    )
    return compute_metrics(to_sessions(p))


def _epoch(run: _Run, epoch: int, dev: Sequence[Session]) -> tuple[str | None, bool]:
    """Stage 0 and stage 1, the dev score, the scheduler, history and early-stopping state.

    Returns:
        (why training must stop now, or None; whether dev macro-F1 improved).
    """
    t0 = time.perf_counter()
    gen = torch.Generator().manual_seed(run.config.train.seed * 100_003 + epoch)
    sums: dict[str, tuple[float, int]] = {}
    run.model.train()
    for stage in (0, 1) if run.opt_mmilb is not None else (1,):
        bad = _stage(run, stage, epoch, gen, sums)
        if bad:
            return bad, False
    scores = _dev_scores(run, dev)
    f1, state = scores["macro_f1"], run.state
    run.scheduler.step(f1)
    state["elapsed"] += time.perf_counter() - t0
    record = {k: total / count for k, (total, count) in sums.items()}
    record.update(
        {
            "dev/macro_f1": f1,
            "dev/balanced_accuracy": scores["balanced_accuracy"],
            "lr": run.opt_main.param_groups[0]["lr"],
            "elapsed": state["elapsed"],
        }
    )
    for key, value in record.items():
        run.history.setdefault(key, []).append(float(value))
    state["epoch"] = epoch
    improved = state.get("keep_last", False) or f1 > state["best_f1"] + 1e-9
    if improved:
        state.update(best_f1=f1, best_epoch=epoch, bad_epochs=0)
        run.best_state = copy.deepcopy(run.model.state_dict())
    else:
        state["bad_epochs"] += 1
    return None, improved


def _save(run: _Run, out_dir: Path, data: Mapping, extra: Mapping, improved: bool) -> None:
    """Write ``best.pt`` (when dev improved) and ``last.pt``."""
    s = run.state
    keys = ("epoch", "dev_macro_f1", "history", "stopped", "wall_seconds")
    values = (s["best_epoch"], s["best_f1"], run.history, None, s["elapsed"])
    training = dict(zip(keys, values, strict=True))
    if improved:
        best = model_checkpoint(
            run.config, run.best_state, data=data, training=training, extra=extra
        )
        save_atomic(best, out_dir / "best.pt")
    resume = {
        "best_model": run.best_state,
        "optim_main": run.opt_main.state_dict(),
        "optim_mmilb": run.opt_mmilb.state_dict() if run.opt_mmilb else None,
        "scheduler": run.scheduler.state_dict(),
        "labels": run.labels.state_dict() if run.labels is not None else None,
        "rng": torch.get_rng_state(),
        "state": dict(s),
    }
    last = model_checkpoint(
        run.config,
        run.model.state_dict(),
        data=data,
        kind="resume",
        training={**training, "epoch": s["epoch"]},
        extra={**extra, "resume": resume},
    )
    save_atomic(last, out_dir / "last.pt")


def fit(
    config: Config,
    train_sessions: Sequence[Session],
    dev_sessions: Sequence[Session],
    *,
    out_dir: str | Path | None = None,
    resume: bool = False,
    progress: bool = True,
    model: nn.Module | None = None,
    callback: Callable[[int, nn.Module, dict], Any] | None = None,
    data: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    keep_label_snapshots: bool = False,
    model_selection: str = "dev_macro_f1",
) -> FitResult:
    """Train MIMML (or a baseline) with two stages per epoch.

    Args:
        config: model, objective and training settings (validated here).
        train_sessions, dev_sessions: labelled sessions; dev needs both classes.
        out_dir: where ``last.pt``, ``best.pt`` go (None: keep nothing on disk).
        resume: continue from ``out_dir/last.pt`` if it exists (same config and data).
        progress: show a tqdm bar.
        model: a prebuilt network (default: ``build_model(config.model)`` after seeding).
        callback: ``callback(epoch, model, history)`` after each epoch; its time is not
            counted as training time (for benchmarks); a truthy return stops training.
        data: what the checkpoints record about the data
            (:func:`~mimml_edu.checkpoints.data_record`; default: a record of the train and
            dev sessions given here, without a corpus spec).
        extra: plain data stored in both checkpoints under ``"extra"``.
        keep_label_snapshots: keep the generated unimodal labels after each epoch.
        model_selection: ``"dev_macro_f1"`` or ``"last_epoch"`` (no early stopping; tiny demos).
    Returns:
        :class:`FitResult`.
    """
    from tqdm.auto import tqdm

    config.validate()
    tc = config.train
    try:
        torch.empty(1, device=tc.device)
    except (RuntimeError, ValueError, AssertionError) as err:
        detail = " ".join(str(err).split())[:120]
        raise ConfigError(f"train.device {tc.device!r} cannot be used here ({detail})") from None
    if not train_sessions or not dev_sessions:
        raise ValueError("fit needs at least one training and one dev session")
    keep_last = {"dev_macro_f1": False, "last_epoch": True}[model_selection]
    dev_labels = {s.label for s in dev_sessions}
    if not keep_last and not {0, 1} <= dev_labels:
        raise ValueError(
            "early stopping uses the dev set's macro-F1, which needs depressed and "
            f"non-depressed dev sessions; dev labels are {sorted(dev_labels, key=str)}"
        )
    if data is None:
        data = data_record("", [*train_sessions, *dev_sessions])
    extra = dict(extra or {})
    run = _setup(config, train_sessions, model)
    out_dir = Path(out_dir) if out_dir is not None else None
    if resume and out_dir is not None and (out_dir / "last.pt").is_file():
        _resume(run, out_dir / "last.pt", data)
    run.state["keep_last"] = keep_last
    snapshots: dict[str, list[torch.Tensor]] = {}
    resumed_best = run.state["best_epoch"] > 0
    written_best = False
    stopped = "max epochs"
    bar = tqdm(range(run.state["epoch"] + 1, tc.epochs + 1), disable=not progress, desc="fit")
    for epoch in bar:
        bad, improved = _epoch(run, epoch, dev_sessions)
        if bad:
            stopped = bad
            break
        state = run.state
        if out_dir is not None:
            _save(run, out_dir, data, extra, improved)
            written_best = written_best or improved
        if keep_label_snapshots and run.labels is not None:
            for m, y in run.labels.state_dict()["labels"].items():
                snapshots.setdefault(m, []).append(y)
        loss, f1 = run.history.get("stage1/total", [math.nan])[-1], run.history["dev/macro_f1"][-1]
        bar.set_postfix(loss=f"{loss:.3f}", dev_f1=f"{f1:.3f}")
        if callback is not None and callback(epoch, run.model, run.history):
            stopped = "stopped by callback"
            break
        if not keep_last and state["bad_epochs"] >= tc.early_stopping:
            stopped = "early stopping"
            break
        if tc.max_seconds and state["elapsed"] >= tc.max_seconds:
            stopped = "time limit"
            break
    bar.close()
    run.model.load_state_dict(run.best_state)
    run.model.eval()
    best_path = None
    if out_dir is not None and (written_best or resumed_best) and (out_dir / "best.pt").is_file():
        best_path = out_dir / "best.pt"
    if stopped.startswith("non-finite") and progress:
        kept = f"the last good checkpoint is {best_path}" if best_path else "no checkpoint kept"
        tqdm.write(f"fit stopped: {stopped}; {kept}")
    return FitResult(
        model=run.model,
        history=run.history,
        best_epoch=run.state["best_epoch"],
        best_dev_macro_f1=run.state["best_f1"],
        stopped=stopped,
        labels=run.labels,
        wall_seconds=run.state["elapsed"],
        out_dir=out_dir,
        label_snapshots={m: torch.stack(v) for m, v in snapshots.items()} or None,
        best_path=best_path,
    )
