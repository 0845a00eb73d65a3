"""``fit()``: MIMML's two-stage training loop, with checkpoints that resume exactly.

Each epoch (*from MMIM*): **stage 0** passes over the training windows updating only the
Barber-Agakov heads (``mmilb`` group) on ``-lld``; **stage 1** passes again updating
everything else (``main`` group) on the full objective
(:class:`~mimml_edu.objectives.mimml_loss.MIMMLObjective`), then the unimodal labels
move (*from Self-MM*). After each epoch the dev set's **session-level macro-F1** drives
ReduceLROnPlateau and early stopping.

Checkpoints (``torch.save``, written to a temporary file then renamed, so a crash never
leaves a half-written file; loaded with ``weights_only=True``):
``last.pt`` holds everything needed to resume (model, both optimizers, scheduler,
label bank, RNG state, history); ``best.pt`` the best model on dev and its config.
A run with one seed is deterministic on CPU, and a resumed run equals an uninterrupted one.
"""

from __future__ import annotations

import copy
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from mimml_edu.config import Config
from mimml_edu.data.batch import MODALITIES, Batch, Session, WindowDataset, collate
from mimml_edu.evaluate import compute_metrics, predict_windows, to_sessions
from mimml_edu.model import build_model
from mimml_edu.objectives.mimml_loss import MIMMLObjective
from mimml_edu.objectives.multitask import UnimodalLabels

CHECKPOINT_FORMAT = "mimml-edu/1"


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
    """

    model: nn.Module
    history: dict[str, list[float]]
    best_epoch: int
    best_dev_macro_f1: float
    stopped: str
    labels: UnimodalLabels | None = None
    wall_seconds: float = 0.0
    out_dir: Path | None = None


def input_statistics(sessions: Sequence[Session]) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """modality -> (mean, std) per feature over the present turns of the sessions."""
    stats = {}
    for m in MODALITIES:
        rows = [s.features[m][s.masks[m]] for s in sessions]
        x = np.concatenate(rows) if rows else np.zeros((0, 1))
        if len(x) == 0:
            d = sessions[0].dims()[m]
            stats[m] = (torch.zeros(d), torch.ones(d))
        else:
            stats[m] = (
                torch.from_numpy(x.mean(0, dtype=np.float64)).float(),
                torch.from_numpy(x.std(0, dtype=np.float64)).float(),
            )
    return stats


def class_weights(labels: torch.Tensor) -> torch.Tensor:
    """(2,) weights ``N / (2 N_c)`` over the known labels; an empty class is an error."""
    known = labels[labels >= 0]
    counts = torch.bincount(known, minlength=2).float()
    if (counts == 0).any():
        missing = "depressed" if counts[1] == 0 else "non-depressed"
        raise ValueError(f"the training windows contain no {missing} session (empty class)")
    return counts.sum() / (2 * counts)


def save_atomic(obj: dict, path: Path) -> None:
    """``torch.save`` to ``path`` through a temporary file and an atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)


def load_checkpoint(
    path: str | Path, *, device: str = "cpu", fmt: str = CHECKPOINT_FORMAT
) -> tuple[nn.Module, Config, dict]:
    """Load a checkpoint written by :func:`fit` (``best.pt`` or ``last.pt``).

    Args:
        path: the file.  device: where the model goes.
        fmt: the ``format`` the file must declare (the chapter checkpoints of
            :mod:`mimml_edu.pretrained` have their own).
    Returns:
        (model in eval mode, its config, the whole checkpoint dict).
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"checkpoint not found: {path}")
    try:
        ckpt = torch.load(path, map_location=device, weights_only=True)
    except Exception as err:  # torch raises several types for corrupt files
        raise ValueError(f"{path}: not a readable checkpoint ({err})") from None
    if not isinstance(ckpt, dict) or ckpt.get("format") != fmt:
        raise ValueError(f"{path}: not a {fmt} checkpoint")
    config = Config.from_dict(ckpt["config"], where=f"{path} config")
    model = build_model(config.model).to(device)
    model.load_state_dict(ckpt["model"])
    model.eval()
    return model, config, ckpt


def packaged_checkpoint(name: str = "mimml_synthetic") -> Path:
    """Path of a checkpoint shipped in ``mimml_edu/checkpoints/`` (for load-or-train).

    ``mimml_synthetic``: compact MIMML trained on the default synthetic corpus; the config
    and the command that made it are in ``mimml_edu/checkpoints/mimml_synthetic.yaml``.
    """
    path = Path(__file__).resolve().parent / "checkpoints" / f"{name}.pt"
    if not path.is_file():
        raise FileNotFoundError(f"no packaged checkpoint {name!r} ({path})")
    return path


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


def fit(
    config: Config,
    train_sessions: Sequence[Session],
    dev_sessions: Sequence[Session],
    *,
    out_dir: str | Path | None = None,
    resume: bool = False,
    progress: bool = True,
    model: nn.Module | None = None,
    callback: Callable[[int, nn.Module, dict], None] | None = None,
    extra: dict | None = None,
) -> FitResult:
    """Train MIMML (or a baseline) with two stages per epoch.

    Args:
        config: model, objective and training settings (validated here).
        train_sessions, dev_sessions: labelled sessions; dev needs both classes.
        out_dir: where ``last.pt``, ``best.pt`` go (None: keep nothing on disk).
        resume: continue from ``out_dir/last.pt`` if it exists (same config required).
        progress: show a tqdm bar.
        model: a prebuilt network (default: ``build_model(config.model)`` after seeding).
        callback: ``callback(epoch, model, history)`` after each epoch; its time is not
            counted as training time (for benchmarks); a truthy return stops training.
        extra: plain data stored in both checkpoints under ``"extra"`` (e.g. which data).
    Returns:
        :class:`FitResult`.
    """
    from tqdm.auto import tqdm

    config.validate()
    tc, device = config.train, torch.device(config.train.device)
    if not train_sessions or not dev_sessions:
        raise ValueError("fit needs at least one training and one dev session")
    dev_labels = {s.label for s in dev_sessions}
    if not {0, 1} <= dev_labels:
        raise ValueError(
            "early stopping uses the dev set's macro-F1, which needs depressed and "
            f"non-depressed dev sessions; dev labels are {sorted(dev_labels, key=str)}"
        )
    torch.manual_seed(tc.seed)
    if model is None:
        model = build_model(config.model)
    model.set_input_statistics(input_statistics(train_sessions))
    model.to(device)
    dataset = WindowDataset(train_sessions, k=tc.k, stride=tc.stride)
    full = collate(dataset.windows, k=tc.k)
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
    out_dir = Path(out_dir) if out_dir is not None else None
    history: dict[str, list[float]] = {}
    state = {"epoch": 0, "best_f1": -math.inf, "best_epoch": 0, "bad_epochs": 0, "elapsed": 0.0}
    best_state = copy.deepcopy(model.state_dict())
    if resume and out_dir is not None and (out_dir / "last.pt").is_file():
        ckpt = torch.load(out_dir / "last.pt", map_location=device, weights_only=True)
        if _resumable(ckpt.get("config")) != _resumable(config.to_dict()):
            raise ValueError(
                f"{out_dir / 'last.pt'} was written with a different config (only "
                "train.epochs and train.max_seconds may change on resume)"
            )
        model.load_state_dict(ckpt["model"])
        opt_main.load_state_dict(ckpt["optim_main"])
        if opt_mmilb is not None:
            opt_mmilb.load_state_dict(ckpt["optim_mmilb"])
        scheduler.load_state_dict(ckpt["scheduler"])
        if labels is not None:
            labels.load_state_dict(ckpt["labels"])
        torch.set_rng_state(ckpt["rng"])
        history, state = ckpt["history"], ckpt["state"]
        best_state = ckpt["best_model"]

    stopped = "max epochs"
    n = len(dataset)
    bar = tqdm(range(state["epoch"] + 1, tc.epochs + 1), disable=not progress, desc="fit")
    for epoch in bar:
        t0 = time.perf_counter()
        gen = torch.Generator().manual_seed(tc.seed * 100_003 + epoch)
        sums: dict[str, float] = {}
        counts: dict[str, int] = {}
        bad = None
        model.train()
        for stage in (0, 1):
            if stage == 0 and opt_mmilb is None:
                continue
            objective.memory.clear()
            order = torch.randperm(n, generator=gen)
            for b, i in enumerate(range(0, n, tc.batch_size)):
                batch = _subbatch(full, order[i : i + tc.batch_size]).to(device)
                if stage == 0:
                    terms, params, opt = objective.stage0(model, batch), groups["mmilb"], opt_mmilb
                else:
                    out = model(batch)
                    terms, params, opt = (
                        objective.stage1(model, out, batch),
                        groups["main"],
                        opt_main,
                    )
                bad = _check_finite(terms, f"stage {stage}, epoch {epoch}, batch {b + 1}")
                if bad:
                    break
                opt.zero_grad(set_to_none=True)
                terms["total"].backward()
                nn.utils.clip_grad_norm_(params, tc.grad_clip)
                opt.step()
                if stage == 1 and labels is not None:
                    rows = labels.rows(batch.session_id, batch.start.cpu())
                    labels.update(rows, out.h, out.z, out.present, epoch=epoch)
                for name, value in terms.items():
                    key = f"stage{stage}/{name}"
                    sums[key] = sums.get(key, 0.0) + float(value.detach())
                    counts[key] = counts.get(key, 0) + 1
            if bad:
                break
        if bad:
            stopped = bad
            break
        dev = compute_metrics(
            to_sessions(
                predict_windows(
                    model,
                    dev_sessions,
                    k=tc.k,
                    stride=tc.stride,
                    batch_size=tc.eval_batch_size,
                    device=device,
                )
            )
        )
        f1 = dev["macro_f1"]
        scheduler.step(f1)
        state["elapsed"] += time.perf_counter() - t0
        record = {k: sums[k] / counts[k] for k in sums}
        record.update(
            {
                "dev/macro_f1": f1,
                "dev/balanced_accuracy": dev["balanced_accuracy"],
                "lr": opt_main.param_groups[0]["lr"],
                "elapsed": state["elapsed"],
            }
        )
        for key, value in record.items():
            history.setdefault(key, []).append(float(value))
        state["epoch"] = epoch
        if f1 > state["best_f1"] + 1e-9:
            state.update(best_f1=f1, best_epoch=epoch, bad_epochs=0)
            best_state = copy.deepcopy(model.state_dict())
            if out_dir is not None:
                best = _best(config, best_state, epoch, f1, history)
                save_atomic({**best, "extra": extra or {}}, out_dir / "best.pt")
        else:
            state["bad_epochs"] += 1
        if out_dir is not None:
            save_atomic(
                {
                    "format": CHECKPOINT_FORMAT,
                    "config": config.to_dict(),
                    "model": model.state_dict(),
                    "best_model": best_state,
                    "optim_main": opt_main.state_dict(),
                    "optim_mmilb": opt_mmilb.state_dict() if opt_mmilb else None,
                    "scheduler": scheduler.state_dict(),
                    "labels": labels.state_dict() if labels is not None else None,
                    "rng": torch.get_rng_state(),
                    "history": history,
                    "state": state,
                    "extra": extra or {},
                },
                out_dir / "last.pt",
            )
        bar.set_postfix(loss=f"{record.get('stage1/total', math.nan):.3f}", dev_f1=f"{f1:.3f}")
        if callback is not None and callback(epoch, model, history):
            stopped = "stopped by callback"
            break
        if state["bad_epochs"] >= tc.early_stopping:
            stopped = "early stopping"
            break
        if tc.max_seconds and state["elapsed"] >= tc.max_seconds:
            stopped = "time limit"
            break
    bar.close()
    if stopped.startswith("non-finite") and progress:
        tqdm.write(f"fit stopped: {stopped}; keeping the last good checkpoint")
    model.load_state_dict(best_state)
    model.eval()
    return FitResult(
        model=model,
        history=history,
        best_epoch=state["best_epoch"],
        best_dev_macro_f1=state["best_f1"],
        stopped=stopped,
        labels=labels,
        wall_seconds=state["elapsed"],
        out_dir=out_dir,
    )


def _resumable(config: dict | None) -> dict | None:
    if config is None:
        return None
    train = {k: v for k, v in config["train"].items() if k not in ("epochs", "max_seconds")}
    return {**config, "train": train}


def _best(config: Config, model_state: dict, epoch: int, f1: float, history: dict) -> dict:
    return {
        "format": CHECKPOINT_FORMAT,
        "config": config.to_dict(),
        "model": model_state,
        "epoch": epoch,
        "dev_macro_f1": f1,
        "history": history,
    }
