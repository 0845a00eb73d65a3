"""The one checkpoint registry: every model the package ships, and how to retrain it.

Training MIMML takes minutes on a 2-core laptop, longer than a chapter may take, so the
chapters and the benchmarks load small committed checkpoints (the "load if present, else
train" pattern of the UvA notebooks). Each is a :class:`Recipe`: a corpus spec
(:mod:`mimml_edu.data.corpora`), the config overrides on the package's defaults, and the
command that retrains it::

    python -m mimml_edu.pretrained NAME      # one
    python -m mimml_edu.pretrained --all     # every recipe

Training is deterministic on CPU with one thread, so a retrained file holds the same
weights. A file is in the format of :mod:`mimml_edu.checkpoints`; ``extra`` holds the
recipe's name, the wall time and, for multi-task recipes, the generated unimodal labels
after every epoch (``label_snapshots``, with ``label_keys`` and ``label_y_m``) for
chapter 07. :func:`load_pretrained` refuses a file whose recipe, config or data no longer
match the registry (a stale file must be retrained, never silently used).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where the committed checkpoints live (``shipped_checkpoints/`` inside the installed
#: package).
#:
#: :meta hide-value:
CHECKPOINT_DIR = Path(__file__).parent / "shipped_checkpoints"

#: The default synthetic corpus (the chapters' corpus).
DEFAULT_CORPUS = "synthetic:n=189,seed=0"

#: Chapter 09's corpus: clearer than the default (no per-person offsets, less latent noise,
#: shorter interviews, signal in one turn in five; text strong, audio half as strong, video
#: none), so that explanations can be checked against a ground truth with a clear answer.
EXPLAIN_CORPUS = (
    "synthetic:n=300,seed=0,amplitude=1.5,identity=0,tau=0.5,signal_turn_share=0.2,"
    "shared=0.5,prevalence=0.3,n_turns=20-30,strength.text=1,strength.audio=0.5,"
    "strength.video=0"
)


@dataclass(frozen=True)
class Recipe:
    """How one shipped checkpoint is trained.

    Attributes:
        name: the file stem in :data:`CHECKPOINT_DIR`.  description: one line for the book.
        corpus: the corpus spec it is trained on (train split; dev for early stopping).
        model, objective, train: overrides of the package's default
            :class:`~mimml_edu.config.ModelConfig`, ``ObjectiveConfig``, ``TrainConfig``
            (input widths come from the corpus).
        label_snapshots: keep the unimodal labels of every epoch (multi-task recipes).
    """

    name: str
    description: str
    corpus: str = DEFAULT_CORPUS
    model: dict[str, Any] = field(default_factory=dict)
    objective: dict[str, Any] = field(default_factory=dict)
    train: dict[str, Any] = field(default_factory=dict)
    label_snapshots: bool = False

    @property
    def command(self) -> str:
        """The command that retrains this checkpoint."""
        return f"python -m mimml_edu.pretrained {self.name}"

    def load_corpus(self):
        """The recipe's :class:`~mimml_edu.data.corpora.Corpus`."""
        from mimml_edu.data.corpora import load_corpus

        return load_corpus(self.corpus)

    def config(self, widths: dict[str, int] | None = None):
        """The full :class:`~mimml_edu.config.Config` (input widths of the corpus)."""
        from mimml_edu.config import Config

        if widths is None:
            widths = self.load_corpus().feature_widths()
        return Config.from_dict(
            {
                "model": {**self.model, "input_dims": dict(widths)},
                "objective": dict(self.objective),
                "train": dict(self.train),
            },
            where=f"recipe {self.name}",
        )


_CHAPTER_TRAIN = {"epochs": 12, "early_stopping": 5, "seed": 0}
_UNIMODAL = {"mi_cpc": False, "mi_ba": False, "multitask": False}
RECIPES: dict[str, Recipe] = {
    r.name: r
    for r in [
        Recipe(
            "mimml_full",
            "full MIMML (CPC, BA, multi-task, gated fusion)",
            train=_CHAPTER_TRAIN,
            label_snapshots=True,
        ),
        Recipe(
            "mimml_no_mi",
            "MIMML without the MI terms",
            model={"mi_cpc": False, "mi_ba": False},
            train=_CHAPTER_TRAIN,
            label_snapshots=True,
        ),
        Recipe(
            "mimml_no_multitask",
            "MIMML without multi-task",
            model={"multitask": False},
            train=_CHAPTER_TRAIN,
        ),
        *[
            Recipe(
                f"unimodal_{m}",
                f"{m} alone (gated block, no MI, no multi-task)",
                model={"modalities": [m], **_UNIMODAL},
                train=_CHAPTER_TRAIN,
            )
            for m in ("text", "audio", "video")
        ],
        Recipe(
            "mimml_synthetic",
            "compact MIMML on the default corpus (the benchmarks')",
            model={"d_proj": 32, "d_h": 32, "d_z": 64},
            train={"epochs": 12, "early_stopping": 6, "seed": 0},
        ),
        Recipe(
            "mimml_explain",
            "MIMML with the package defaults on chapter 09's corpus",
            corpus=EXPLAIN_CORPUS,
            train={"epochs": 14, "seed": 0},
        ),
    ]
}


def recipe(name: str) -> Recipe:
    """The recipe called ``name`` (a clear error naming the known ones)."""
    from mimml_edu.errors import CheckpointError

    if name not in RECIPES:
        raise CheckpointError(f"unknown recipe {name!r}; known: {', '.join(sorted(RECIPES))}")
    return RECIPES[name]


def checkpoint_path(name: str, directory: str | Path | None = None) -> Path:
    """The file of recipe ``name`` (in :data:`CHECKPOINT_DIR` unless ``directory``)."""
    return Path(directory or CHECKPOINT_DIR) / f"{recipe(name).name}.pt"


def train_recipe(name: str, *, directory: str | Path | None = None, progress: bool = True) -> Path:
    """Train recipe ``name`` on its corpus and write its checkpoint.

    Args:
        name: a key of :data:`RECIPES`.  directory: where to write (default the package's).
        progress: a progress bar over epochs.
    Returns:
        the path of the written checkpoint.
    """
    from mimml_edu.checkpoints import data_record, model_checkpoint, save_atomic
    from mimml_edu.train import fit

    r = recipe(name)
    corpus = r.load_corpus()
    config = r.config(corpus.feature_widths())
    train, dev = corpus.split("train"), corpus.split("dev")
    data = data_record(
        corpus.spec, [*train, *dev], format=corpus.format, split_seed=corpus.split_seed
    )
    start = time.perf_counter()
    result = fit(
        config, train, dev, progress=progress, data=data, keep_label_snapshots=r.label_snapshots
    )
    extra: dict[str, Any] = {
        "recipe": r.name,
        "description": r.description,
        "command": r.command,
        "wall_seconds": time.perf_counter() - start,
    }
    if result.label_snapshots is not None:
        extra["label_snapshots"] = result.label_snapshots
        extra["label_keys"] = [list(k) for k in result.labels.index]
        extra["label_y_m"] = result.labels.y_m.clone()
    training = {
        "epoch": result.best_epoch,
        "dev_macro_f1": result.best_dev_macro_f1,
        "history": result.history,
        "stopped": result.stopped,
        "epochs_run": len(result.history["elapsed"]),
        "wall_seconds": result.wall_seconds,
    }
    state = {k: v.clone() for k, v in result.model.state_dict().items()}
    record = model_checkpoint(config, state, data=data, training=training, extra=extra)
    return save_atomic(record, checkpoint_path(name, directory))


def check_recipe(name: str, ckpt: dict, *, where: str) -> None:
    """Raise :class:`~mimml_edu.errors.CheckpointError` when a file no longer matches its
    recipe (another recipe, config or corpus): it must be retrained."""
    from mimml_edu.config import Config
    from mimml_edu.errors import CheckpointError

    r = recipe(name)
    saved = Config.from_dict(ckpt["config"], where=where)
    problems = []
    if ckpt.get("extra", {}).get("recipe") != r.name:
        problems.append(f"it holds recipe {ckpt.get('extra', {}).get('recipe')!r}")
    if ckpt.get("data", {}).get("spec") != r.load_corpus().spec:
        problems.append(f"it was trained on {ckpt.get('data', {}).get('spec')!r}")
    if saved.to_dict() != r.config(saved.model.input_dims).to_dict():
        problems.append("its config differs from the recipe's")
    if problems:
        raise CheckpointError(
            f"stale checkpoint of recipe {name!r}: {'; '.join(problems)}; retrain it with "
            f"`{r.command}`",
            path=where,
        )


def load_pretrained(
    name: str,
    *,
    directory: str | Path | None = None,
    train_if_missing: bool = True,
    device: str = "cpu",
):
    """Load a shipped checkpoint; train it first if it is missing (minutes on a laptop).

    Args:
        name: a key of :data:`RECIPES`.  directory: where checkpoints live.
        train_if_missing: train with :func:`train_recipe` when the file does not exist.
        device: where the model goes.
    Returns:
        (model in eval mode, its :class:`~mimml_edu.config.Config`, the checkpoint dict).
    Raises:
        CheckpointError: a missing file (without ``train_if_missing``), an unreadable one,
            or a stale one (see :func:`check_recipe`).
    """
    from mimml_edu.checkpoints import load_checkpoint
    from mimml_edu.errors import CheckpointNotFoundError

    path = checkpoint_path(name, directory)
    if not path.is_file():
        if not train_if_missing:
            command = recipe(name).command
            raise CheckpointNotFoundError(f"not found; create it with `{command}`", path=path)
        print(f"{path.name} not found: training it now (a few minutes)...", flush=True)
        train_recipe(name, directory=directory, progress=False)
    model, config, ckpt = load_checkpoint(path, device=device)
    check_recipe(name, ckpt, where=str(path))
    return model, config, ckpt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mimml_edu.pretrained", description="Train the shipped checkpoints."
    )
    parser.add_argument("names", nargs="*", help=f"recipes to train: {', '.join(RECIPES)}")
    parser.add_argument("--all", action="store_true", help="train every recipe")
    parser.add_argument("--out", default=None, help="directory (default: the package's)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = parser.parse_args(argv)
    names = list(RECIPES) if args.all else args.names
    unknown = [n for n in names if n not in RECIPES]
    if not names or unknown:
        parser.error(f"name recipes from {', '.join(RECIPES)} or pass --all (unknown: {unknown})")
    import torch

    torch.set_num_threads(args.threads)
    for name in names:
        path = train_recipe(name, directory=args.out)
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
