"""Checkpoints: one file format for every model the package trains, resumes or ships.

A checkpoint is a plain dict saved with ``torch.save`` (written to a temporary file and
renamed, so a crash never leaves half a file) and read with ``weights_only=True`` (no
pickled code is ever run). Keys:

- ``format``: :data:`FORMAT`.  ``kind``: ``"model"`` (``best.pt``, the shipped recipes)
  or ``"resume"`` (``last.pt``, with optimizer, scheduler, label bank and RNG state).
- ``config``: the :class:`~mimml_edu.config.Config` as a dict.  ``model``: the state dict.
- ``data``: what the model was trained on (:func:`data_record`): the corpus ``spec``, its
  ``format``, the ``feature_widths`` and ``channel_names``, the ``split_seed`` and a
  ``fingerprint`` of the training and dev sessions.
- ``training``: ``epoch`` (of the weights), ``dev_macro_f1``, ``history``, ``stopped``.
- ``package``: the mimml-edu and torch versions that wrote it.
- ``extra``: anything else (a recipe's name, label snapshots, ...).
"""

from __future__ import annotations

import json
import os
import pickle
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

from mimml_edu.config import Config
from mimml_edu.data.batch import MODALITIES, Session
from mimml_edu.errors import CheckpointError, CheckpointNotFoundError, ConfigError

#: The format every checkpoint declares.
FORMAT = "mimml-edu/2"


def data_record(
    spec: str,
    sessions: Sequence[Session],
    *,
    format: str = "",
    split_seed: int | None = None,
    options: Mapping[str, Any] | None = None,
    extractor: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What a checkpoint records about its training data.

    Args:
        spec: the corpus spec (:mod:`mimml_edu.data.corpora`).
        sessions: the training and dev sessions (the fingerprint covers exactly these).
        format: the corpus format.  split_seed: the seed of the participant split.
        options: the reader options the corpus was read with (``text_model``,
            ``include_interviewer``), so that it can be read again the same way.
        extractor: the feature extractor's settings for data read from raw media
            (:attr:`~mimml_edu.data.corpora.Corpus.extractor`), else None.
    Returns:
        ``{"spec", "format", "options", "feature_widths", "channel_names", "split_seed",
        "fingerprint", "n_sessions", "extractor"}``.
    """
    from mimml_edu.data.batch import fingerprint

    first = sessions[0] if sessions else None
    names = {}
    if first is not None and all(m in first.channel_names for m in MODALITIES):
        names = {m: list(first.channel_names[m]) for m in MODALITIES}
    return {
        "spec": spec,
        "format": format,
        "options": dict(options or {}),
        "feature_widths": first.dims() if first is not None else {},
        "channel_names": names,
        "split_seed": split_seed,
        "fingerprint": fingerprint(sessions),
        "n_sessions": len(sessions),
        "extractor": _plain(extractor) if extractor else None,
    }


def corpus_record(corpus, sessions: Sequence[Session] | None = None) -> dict[str, Any]:
    """:func:`data_record` of a :class:`~mimml_edu.data.corpora.Corpus` (default: its
    train and dev sessions)."""
    if sessions is None:
        sessions = [s for s in corpus.sessions if s.split in ("train", "dev")]
    return data_record(
        corpus.spec,
        sessions,
        format=corpus.format,
        split_seed=corpus.split_seed,
        options=corpus.options,
        extractor=corpus.extractor,
    )


def _plain(value: Any) -> Any:
    """``value`` as JSON would give it back (tuples as lists), so records compare equal."""
    return json.loads(json.dumps(value))


def save_atomic(obj: Mapping[str, Any], path: str | Path) -> Path:
    """``torch.save`` to ``path`` through a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    torch.save(dict(obj), tmp)
    os.replace(tmp, path)
    return path


def model_checkpoint(
    config: Config,
    state: Mapping[str, torch.Tensor],
    *,
    data: Mapping[str, Any] | None = None,
    training: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
    kind: str = "model",
) -> dict[str, Any]:
    """The dict of a checkpoint (see the module docstring for the keys)."""
    from mimml_edu import __version__

    return {
        "format": FORMAT,
        "kind": kind,
        "config": config.to_dict(),
        "model": dict(state),
        "data": dict(data or {}),
        "training": dict(training or {}),
        "package": {"mimml_edu": __version__, "torch": str(torch.__version__)},
        "extra": dict(extra or {}),
    }


def read_checkpoint(path: str | Path, *, device: str | torch.device = "cpu") -> dict[str, Any]:
    """Read a checkpoint file and check its format (no model is built).

    Raises:
        CheckpointError: the file is missing or not a regular file, unreadable, not a
            mimml-edu checkpoint, of another format version, or of another structure (its
            ``model`` holds something else than tensors, its ``data``, ``training`` or
            ``extra`` is not a dict).
    """
    from mimml_edu.data.source import require_regular_file

    path = require_regular_file(
        path, what="checkpoint", error=CheckpointError, not_found=CheckpointNotFoundError
    )
    if not zipfile.is_zipfile(path):
        raise CheckpointError(
            "not a readable checkpoint (not a file written by torch.save)", path=path
        )
    try:
        with warnings.catch_warnings():  # torch warns about foreign pickles; we explain
            warnings.simplefilter("ignore")
            ckpt = torch.load(path, map_location=device, weights_only=True)
    except pickle.UnpicklingError:
        raise CheckpointError(
            "not a readable checkpoint: it holds objects other than tensors and plain data, "
            "and loading those could run code (refused)",
            path=path,
        ) from None
    except Exception as err:  # torch raises several types for damaged archives
        reason = " ".join(str(err).split())[:160]
        reason = f"damaged, truncated or not a torch file: {reason}"
        raise CheckpointError(f"not a readable checkpoint ({reason})", path=path) from None
    if not isinstance(ckpt, dict) or "format" not in ckpt:
        raise CheckpointError("not a mimml-edu checkpoint (no format key)", path=path)
    if ckpt["format"] != FORMAT:
        raise CheckpointError(
            f"checkpoint format {ckpt['format']!r}, expected {FORMAT!r} (written by another "
            "version of mimml-edu: retrain it)",
            path=path,
        )
    for key in ("config", "model"):
        if not isinstance(ckpt.get(key), dict):
            raise CheckpointError(f"the checkpoint has no {key!r} dict", path=path)
    for key in ("data", "training", "extra", "package"):
        if not isinstance(ckpt.setdefault(key, {}), dict):
            raise CheckpointError(
                f"the checkpoint's {key!r} is a {type(ckpt[key]).__name__}, not a dict",
                path=path,
            )
    bad = [k for k, v in ckpt["model"].items() if not torch.is_tensor(v)]
    if bad:
        raise CheckpointError(f"the weights {bad[:3]} are not tensors", path=path)
    return ckpt


def check_finite(state: Mapping[str, torch.Tensor], *, where: str) -> None:
    """Raise :class:`CheckpointError` naming the first tensor with a NaN or infinity."""
    for name, value in state.items():
        if torch.is_tensor(value) and value.is_floating_point():
            if not torch.isfinite(value).all():
                raise CheckpointError(f"weights {name!r} are not finite (NaN or inf)", path=where)


def load_checkpoint(
    path: str | Path, *, device: str | torch.device = "cpu"
) -> tuple[nn.Module, Config, dict[str, Any]]:
    """Load a checkpoint: the model (eval mode), its config and the whole dict.

    Raises:
        CheckpointError: unreadable file, another format, a config that does not validate,
            weights that are not finite, or weights that do not fit the config's model.
    """
    from mimml_edu.model import build_model

    ckpt = read_checkpoint(path, device=device)
    try:
        config = Config.from_dict(ckpt["config"], where=f"{path} config")
    except ConfigError as err:
        raise CheckpointError(str(err), path=path) from None
    check_finite(ckpt["model"], where=str(path))
    model = build_model(config.model).to(device)
    try:
        model.load_state_dict(ckpt["model"])
    except RuntimeError as err:
        first = str(err).strip().splitlines()
        detail = " ".join(first[1:3]) if len(first) > 1 else first[0]
        raise CheckpointError(
            f"the weights do not fit the model its config describes ({detail.strip()})",
            path=path,
        ) from None
    model.eval()
    return model, config, ckpt


def check_data(
    ckpt: Mapping[str, Any],
    *,
    spec: str,
    widths: Mapping[str, int],
    where: str = "checkpoint",
    config: Config | None = None,
    channel_names: Mapping[str, Sequence[str]] | None = None,
    options: Mapping[str, Any] | None = None,
    extractor: Mapping[str, Any] | None = None,
) -> None:
    """Stop with a clear message when a checkpoint's model cannot read this data.

    Four checks, each naming the checkpoint's data and this data: the feature widths of
    the modalities the model uses, their channel names (same widths, other features: an
    E-DAIC model on DAIC-WOZ features, an extractor of another version), the text
    encoder (two encoders of the same width give unrelated embeddings), and the raw-media
    extractor's settings (video frames per second, audio frame settings, the speaker
    whose turns are read: same channels, other values).

    Args:
        ckpt: the checkpoint dict.  spec: the data's corpus spec.  widths: its feature
        widths.  where: the checkpoint's path, for the message.  config: its config (read
        from ``ckpt`` when None).  channel_names: the data's channel names (not checked
        when None or when the checkpoint records none).  options: the data's reader
        options (``text_model`` is compared when both sides name one).  extractor: the
        data's extractor settings (compared for the modalities the model uses when both
        sides record them).
    Raises:
        CheckpointError naming what differs, on both sides.
    """
    config = config or Config.from_dict(ckpt["config"], where=where)
    record = ckpt.get("data", {}) or {}
    trained = record.get("spec") or "unknown data"
    used = config.model.modalities
    want = {m: int(config.model.input_dims[m]) for m in used}
    got = {m: int(widths[m]) for m in used}
    if want != got:
        raise CheckpointError(
            f"the model was trained on {trained} with feature widths {want}; "
            f"{spec} has feature widths {got}",
            path=where,
        )
    recorded = record.get("channel_names") or {}
    for m in used:
        if not channel_names or m not in recorded or m not in channel_names:
            continue
        a, b = list(recorded[m]), list(channel_names[m])
        if a != b:
            i = next(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
            raise CheckpointError(
                f"the model was trained on {trained}, whose {m} channels are "
                f"{_names(a, i)}; {spec} has {m} channels {_names(b, i)} (same width, "
                "other features)",
                path=where,
            )
    mine = (record.get("options") or {}).get("text_model")
    theirs = (options or {}).get("text_model")
    if "text" in used and mine and theirs and mine != theirs:
        raise CheckpointError(
            f"the model was trained on {trained} with text model {mine!r}; {spec} was read "
            f"with text model {theirs!r}",
            path=where,
        )
    _check_extractor(record.get("extractor"), extractor, used, trained, spec, where)


def _check_extractor(mine, theirs, used, trained: str, spec: str, where: str) -> None:
    """The extractor settings of the modalities the model uses, and the speaker, must agree."""
    if not isinstance(mine, Mapping) or not theirs:
        return
    theirs = _plain(dict(theirs))
    parts = [m for m in ("audio", "video") if m in used] + ["participant"]
    for part in parts:
        a, b = mine.get(part), theirs.get(part)
        if a is None or b is None or a == b:
            continue
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            keys = sorted(k for k in {*a, *b} if a.get(k) != b.get(k))
            a = ", ".join(f"{k}={a.get(k)!r}" for k in keys)
            b = ", ".join(f"{k}={b.get(k)!r}" for k in keys)
        else:
            a, b = repr(a), repr(b)
        raise CheckpointError(
            f"the model was trained on {trained}, extracted with {part} settings {a}; "
            f"{spec} was extracted with {b} (same channels, other values: extract it again "
            "with the model's settings)",
            path=where,
        )


def _names(names: Sequence[str], i: int) -> str:
    """``names[i]`` in context: ``'x_0', 'y_0', ... (channel 3: 'AU04_r')``."""
    head = ", ".join(repr(n) for n in names[:2])
    return f"{head}, ... (channel {i}: {names[i]!r})"


def _resumable(config: Mapping[str, Any]) -> dict[str, Any]:
    """The config without what may change on resume (``train.epochs``, ``max_seconds``)."""
    train = {k: v for k, v in config["train"].items() if k not in ("epochs", "max_seconds")}
    return {**config, "train": train}


def read_resume(
    path: str | Path, *, config: Config, data: Mapping[str, Any], modules: Mapping[str, Any]
) -> tuple[dict, dict, dict]:
    """Read ``last.pt`` and restore the training state into ``modules``.

    Args:
        path: the ``kind="resume"`` checkpoint.  config: this run's config (only
            ``train.epochs`` and ``train.max_seconds`` may differ).  data: this run's
            :func:`data_record` (the fingerprint must match).
        modules: ``model``, ``optim_main``, ``optim_mmilb``, ``scheduler``, ``labels``
            (objects with ``load_state_dict``; None where the run has none).
    Returns:
        (history, loop state, best weights so far).
    Raises:
        CheckpointError: another kind, config or data; non-finite weights; a state that
            does not load (naming the checkpoint).
    """
    ckpt = read_checkpoint(path, device=config.train.device)
    if ckpt.get("kind") != "resume":
        raise CheckpointError("not a resumable checkpoint (kind 'resume' expected)", path=path)
    # the data first: other data usually has other widths, hence another config too
    old = ckpt.get("data") or {}
    if old.get("fingerprint") != data.get("fingerprint"):
        raise CheckpointError(
            f"was trained on {old.get('spec') or 'other data'} ({old.get('n_sessions')} "
            f"train+dev sessions, fingerprint {str(old.get('fingerprint'))[:12]}); this run's "
            f"data is {data.get('spec')} ({data.get('n_sessions')} sessions, fingerprint "
            f"{str(data.get('fingerprint'))[:12]}): resume only on the same data",
            path=path,
        )
    try:
        same = _resumable(ckpt["config"]) == _resumable(config.to_dict())
    except (KeyError, TypeError, AttributeError):
        same = False
    if not same:
        raise CheckpointError(
            "was written with a different config (only train.epochs and train.max_seconds "
            "may change on resume)",
            path=path,
        )
    check_finite(ckpt["model"], where=str(path))
    try:
        resume = ckpt["extra"]["resume"]
        check_finite(resume["best_model"], where=f"{path} (best weights so far)")
        modules["model"].load_state_dict(resume["best_model"])  # the best weights fit too
        modules["model"].load_state_dict(ckpt["model"])
        for key in ("optim_main", "optim_mmilb", "scheduler", "labels"):
            if modules.get(key) is not None:
                modules[key].load_state_dict(resume[key])
        torch.set_rng_state(resume["rng"])
        return ckpt["training"]["history"], dict(resume["state"]), resume["best_model"]
    except (KeyError, TypeError, ValueError, RuntimeError, AttributeError, IndexError) as err:
        detail = " ".join(str(err).split())[:160]
        raise CheckpointError(
            f"damaged resume state ({type(err).__name__}: {detail})", path=path
        ) from None
