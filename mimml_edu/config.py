"""Dataclass configs for the model, the objective and training, with YAML load/save.

Every ablation switch of the reconstruction (``docs/reconstruction.md``) is a field here:
``mi_cpc``, ``mi_ba``, ``multitask``, ``fusion`` and ``modalities``. A YAML file mirrors
:class:`Config` with three sections, ``model``, ``objective`` and ``train``; unknown keys
and bad values raise :class:`ConfigError` naming the file and the key.

Types are strict (:func:`check_types`): a switch is a YAML boolean (``true``/``false``;
the strings ``"false"`` or ``"no"`` are refused, never read as True), a number is a number
(finite: no ``.nan`` or ``.inf``), an integer an integer. ``1e-3`` is read as the number
it looks like (YAML 1.2), not as a string. A config file is at most
:data:`MAX_CONFIG_BYTES`, and its YAML aliases may expand to a bounded number of values
(:func:`mimml_edu.config_yaml.parse_yaml`: an alias bomb is refused in a line).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mimml_edu.data.batch import MODALITIES
from mimml_edu.errors import ConfigError, ConfigNotFoundError

#: The largest config file read.
MAX_CONFIG_BYTES = 1 << 20

FUSIONS = ("gated", "gru", "cnn", "concat", "early", "late")
BLOCKS = ("gated", "gru", "cnn")


@dataclass
class ModelConfig:
    """The network.

    Attributes:
        input_dims: modality -> feature width ``d_m`` of the input turns.
        modalities: the modalities the model uses, a subset of text, audio, video.
        d_proj: width of each modality's projection (Linear + LayerNorm + dropout).
        d_h: width of each unimodal representation ``h_m``.
        d_z: width of the fusion representation ``z``.
        kernel: CNN kernel size in the gated block (odd).
        dropout: dropout after the projections and inside the fusion SubNet.
        center_turns: subtract each window's mean over its present turns per feature
            (a per-speaker normalisation) before the projection. Off by default: the
            synthetic corpus (like many depression cues) carries its signal in the level
            of features over the interview; with the signal in half of the turns,
            centering leaves its size but removes its sign (chapter 04 shows it; measured by
            ``bench/ablation.py --only "+ per-window centering"``, results in
            ``bench/results/ablation_centering_3epochs.csv``).
        fusion: ``gated`` / ``gru`` / ``cnn`` (the block used over the turn-aligned
            concatenation), ``concat`` (no fusion block, z from the unimodal h only),
            ``early`` (baseline: concatenate turn features + MLP) or ``late``
            (baseline: average of unimodal predictions).
        encoder_block: the block inside each unimodal encoder: ``gated`` (both views and
            the gate), ``gru`` or ``cnn`` (one view). With ``fusion`` set to the same view,
            the model has no gate anywhere (the "BiGRU only" / "CNN only" ablations).
        mi_cpc: CPC terms between z and each h_m (*from MMIM*).
        mi_ba: Barber-Agakov (MMILB) terms text->audio, text->video, and the entropy term.
        multitask: unimodal heads trained on generated labels (*from Self-MM*).
        logvar_bound: the BA heads' log-variance lies in ``[-bound, bound]`` (tanh-squashed).
    """

    input_dims: dict[str, int] = field(
        default_factory=lambda: {"text": 16, "audio": 16, "video": 16}
    )
    modalities: tuple[str, ...] = MODALITIES
    d_proj: int = 64
    d_h: int = 32
    d_z: int = 128
    kernel: int = 3
    dropout: float = 0.1
    center_turns: bool = False
    fusion: str = "gated"
    encoder_block: str = "gated"
    mi_cpc: bool = True
    mi_ba: bool = True
    multitask: bool = True
    logvar_bound: float = 5.0

    def validate(self) -> None:
        check_types("model", self)
        mods = tuple(self.modalities)
        if not mods or any(m not in MODALITIES for m in mods) or len(set(mods)) != len(mods):
            raise ConfigError(f"model.modalities must be a non-empty subset of {MODALITIES}")
        self.modalities = tuple(m for m in MODALITIES if m in mods)
        missing = [m for m in MODALITIES if m not in self.input_dims]
        if missing:
            raise ConfigError(
                f"model.input_dims needs a width for every modality; missing {missing}"
            )
        for m, d in self.input_dims.items():
            if m not in MODALITIES:
                raise ConfigError(f"model.input_dims: unknown modality {m!r}")
            _positive_int(f"model.input_dims.{m}", d)
        for name in ("d_proj", "d_h", "d_z", "kernel"):
            _positive_int(f"model.{name}", getattr(self, name))
        if self.kernel % 2 == 0:
            raise ConfigError(f"model.kernel must be odd (same padding), got {self.kernel}")
        if self.d_h % 2:
            raise ConfigError(f"model.d_h must be even (two GRU directions), got {self.d_h}")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"model.dropout must be in [0, 1), got {self.dropout}")
        if self.fusion not in FUSIONS:
            raise ConfigError(f"model.fusion must be one of {FUSIONS}, got {self.fusion!r}")
        if self.encoder_block not in BLOCKS:
            raise ConfigError(
                f"model.encoder_block must be one of {BLOCKS}, got {self.encoder_block!r}"
            )
        if self.logvar_bound <= 0:
            raise ConfigError(f"model.logvar_bound must be > 0, got {self.logvar_bound}")


@dataclass
class ObjectiveConfig:
    """Weights of the stage-1 objective and the pieces of its terms.

    ``L = CE_w + lambda_reg*|phq_scaled_hat - y_m| + lambda_uni*L_uni + alpha*sum L_cpc
    - beta*(lld_ta + lld_tv) - beta*H``.

    Attributes:
        alpha: weight of the CPC terms.  beta: weight of the BA terms and the entropy.
        lambda_reg: weight of the PHQ-8 regression.  lambda_uni: weight of the unimodal loss.
        class_weighted: weight the cross-entropy by inverse class frequency (train windows).
        label_clamp: the generated unimodal labels are clamped to ``[-H, H]``.
        entropy_ridge: added to the diagonal of each class covariance before ``logdet``.
        entropy_dim: width of the fixed random projection the entropy is computed in.
        mmim_logvar_bug: reproduce MMIM's log-likelihood without the ``-1/2 logvar`` term
            and without bounding the log-variance (a pitfall for the book; off by default).
    """

    alpha: float = 0.1
    beta: float = 0.1
    lambda_reg: float = 1.0
    lambda_uni: float = 1.0
    class_weighted: bool = True
    label_clamp: float = 3.1
    entropy_ridge: float = 1e-3
    entropy_dim: int = 8
    mmim_logvar_bug: bool = False

    def validate(self) -> None:
        check_types("objective", self)
        for name in ("alpha", "beta", "lambda_reg", "lambda_uni"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or value < 0:
                raise ConfigError(f"objective.{name} must be a number >= 0, got {value!r}")
        if self.label_clamp <= 0 or self.entropy_ridge <= 0:
            raise ConfigError("objective.label_clamp and objective.entropy_ridge must be > 0")
        _positive_int("objective.entropy_dim", self.entropy_dim)


@dataclass
class TrainConfig:
    """Optimisation and the training loop.

    Attributes:
        epochs: maximum number of epochs (each = stage 0 pass + stage 1 pass).
        batch_size: windows per batch.  k: turns per window.  stride: step between windows.
        lr, weight_decay: Adam for the main parameters.  lr_mmilb: Adam for the BA heads.
        grad_clip: max gradient norm per stage.
        plateau_factor, plateau_patience: ReduceLROnPlateau on dev macro-F1.
        early_stopping: epochs without a better dev macro-F1 before stopping.
        seed: makes a CPU run deterministic.  device: ``cpu`` or any torch device string.
        max_seconds: stop after this much training time (0 = no limit).
        eval_batch_size: windows per batch when predicting.
    """

    epochs: int = 30
    batch_size: int = 32
    k: int = 16
    stride: int | None = None
    lr: float = 1e-3
    lr_mmilb: float = 1e-3
    weight_decay: float = 1e-4
    grad_clip: float = 1.0
    plateau_factor: float = 0.5
    plateau_patience: int = 2
    early_stopping: int = 6
    seed: int = 0
    device: str = "cpu"
    max_seconds: float = 0.0
    eval_batch_size: int = 256

    def validate(self) -> None:
        check_types("train", self)
        for name in ("epochs", "batch_size", "k", "eval_batch_size", "early_stopping"):
            _positive_int(f"train.{name}", getattr(self, name))
        if self.stride is not None:
            _positive_int("train.stride", self.stride)
        for name in ("lr", "lr_mmilb", "grad_clip"):
            if not getattr(self, name) > 0:
                raise ConfigError(f"train.{name} must be > 0, got {getattr(self, name)!r}")
        if not 0 < self.plateau_factor < 1:
            raise ConfigError(f"train.plateau_factor must be in (0, 1), got {self.plateau_factor}")
        for name in ("weight_decay", "max_seconds", "plateau_patience"):
            if getattr(self, name) < 0:
                raise ConfigError(f"train.{name} must be >= 0, got {getattr(self, name)!r}")


@dataclass
class Config:
    """The whole configuration: ``model``, ``objective`` and ``train`` sections."""

    model: ModelConfig = field(default_factory=ModelConfig)
    objective: ObjectiveConfig = field(default_factory=ObjectiveConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def validate(self) -> Config:
        self.model.validate()
        self.objective.validate()
        self.train.validate()
        return self

    def to_dict(self) -> dict[str, Any]:
        out = dataclasses.asdict(self)
        out["model"]["modalities"] = list(self.model.modalities)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, where: str = "config") -> Config:
        """Build and validate a config; unknown sections or keys raise :class:`ConfigError`."""
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: expected a mapping with model/objective/train sections")
        sections = {"model": ModelConfig, "objective": ObjectiveConfig, "train": TrainConfig}
        unknown = sorted(str(k)[:40] for k in set(data) - set(sections))
        if unknown:
            raise ConfigError(
                f"{where}: unknown section(s) {unknown[:5]}; expected {list(sections)}"
            )
        parts = {}
        for name, klass in sections.items():
            values = data.get(name) or {}
            if not isinstance(values, dict):
                raise ConfigError(f"{where}: section {name!r} must be a mapping")
            known = {f.name for f in dataclasses.fields(klass)}
            bad = sorted(str(k)[:40] for k in set(values) - known)
            if bad:
                raise ConfigError(
                    f"{where}: unknown key(s) {bad[:5]} in {name!r}; known: {sorted(known)}"
                )
            values = dict(values)
            if isinstance(values.get("modalities"), list | tuple):
                values["modalities"] = tuple(values["modalities"])
            parts[name] = klass(**values)
        try:
            return cls(**parts).validate()
        except ConfigError as err:
            raise ConfigError(f"{where}: {err}") from None


def load_config(path: str | Path) -> Config:
    """Read a YAML config file.

    Args:
        path: a ``.yaml`` file with optional ``model``, ``objective``, ``train`` sections.
    Returns:
        the validated :class:`Config` (missing keys take their defaults).
    Raises:
        ConfigError naming the file and the key (ConfigNotFoundError: no such file).
    """
    from mimml_edu.data.source import file_kind

    path = Path(path)
    kind = file_kind(path)
    if kind == "missing":
        raise ConfigNotFoundError("config file not found", path=path)
    if kind is not None:
        raise ConfigError(f"is {kind}, not a regular file (a config file expected)", path=path)
    if path.stat().st_size > MAX_CONFIG_BYTES:
        raise ConfigError(
            f"{path.stat().st_size >> 10} KB; a config file is at most "
            f"{MAX_CONFIG_BYTES >> 10} KB",
            path=path,
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ConfigError(f"not UTF-8 text (byte {err.start})", path=path) from None
    from mimml_edu.config_yaml import parse_yaml

    return Config.from_dict(parse_yaml(text, where=str(path)) or {}, where=str(path))


def save_config(config: Config, path: str | Path) -> Path:
    """Write a config as YAML (readable by :func:`load_config`)."""
    import yaml

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(config.to_dict(), sort_keys=False))
    return path


def _positive_int(name: str, value: Any) -> None:
    if not _is_int(value) or value < 1:
        raise ConfigError(f"{name} must be a positive integer, got {_short(value)}")


def _short(value: Any, limit: int = 60) -> str:
    """A ``repr`` of ``value`` that stays short however large the value (nested lists are
    elided, not expanded), cut to ``limit`` characters."""
    import reprlib

    r = reprlib.Repr()
    r.maxstring, r.maxother, r.maxlist, r.maxdict, r.maxlevel = 40, 40, 4, 4, 2
    text = r.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_types(section: str, obj: Any) -> None:
    """Check every field of a config section against its type annotation.

    Booleans must be booleans, integers integers, numbers finite numbers, strings
    strings; ``int | None`` allows None; ``tuple[str, ...]`` a list of strings;
    ``dict[str, int]`` a mapping of names to integers.

    Raises:
        ConfigError naming ``section.field`` and what was expected.
    """
    hints = typing.get_type_hints(type(obj))
    for f in dataclasses.fields(obj):
        _check(f"{section}.{f.name}", getattr(obj, f.name), hints[f.name])


def _check(key: str, value: Any, hint: Any) -> None:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return
        hint = next(a for a in args if a is not type(None))
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    quoted = " (write it without quotes)" if isinstance(value, str) else ""
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{key} must be true or false, got {_short(value)}{quoted}")
    elif hint is int:
        if not _is_int(value):
            raise ConfigError(f"{key} must be an integer, got {_short(value)}{quoted}")
    elif hint is float:
        if not _is_number(value):
            raise ConfigError(f"{key} must be a number, got {_short(value)}{quoted}")
        if not math.isfinite(value):
            raise ConfigError(f"{key} must be a finite number, got {value!r}")
    elif hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{key} must be a string, got {_short(value)}")
    elif origin is tuple:
        if not isinstance(value, tuple | list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{key} must be a list of names, got {_short(value)}")
    elif origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{key} must be a mapping, got {_short(value)}")
        for k, v in value.items():
            if not isinstance(k, str):
                raise ConfigError(f"{key} must map names to values, got key {_short(k)}")
            _check(f"{key}.{k}", v, args[1])
