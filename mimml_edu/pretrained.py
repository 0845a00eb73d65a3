"""Small committed checkpoints for the chapters, and the exact code that trains them.

Training MIMML on the synthetic corpus takes minutes on a 2-core laptop, longer than a
chapter may take. So the chapters load a checkpoint trained by the recipes below (the
"load if present, else train" pattern of the UvA notebooks). Recreate every file with::

    python -m mimml_edu.pretrained --all

Each recipe is a :class:`~mimml_edu.config.Config` on the default synthetic corpus
(``make_corpus(seed=0)``), trained by :func:`mimml_edu.train.fit` one epoch at a time
(``resume=True`` with one more epoch each time; a resumed run equals an uninterrupted
one) so that the unimodal labels of every epoch can be kept for chapter 07.
A checkpoint file holds the best model on dev, its config, the per-term loss history,
the label snapshots (multi-task recipes) and the training wall time; it loads with
``torch.load(..., weights_only=True)``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where the committed checkpoints live (``checkpoints/`` inside the installed package).
#:
#: :meta hide-value:
CHECKPOINT_DIR = Path(__file__).parent / "checkpoints"
FORMAT = "mimml-edu-pretrained/1"
CORPUS_SEED = 0


@dataclass(frozen=True)
class Recipe:
    """How one chapter checkpoint is trained.

    Attributes:
        name: file stem.  description: one line for the book.
        model: overrides of :class:`~mimml_edu.config.ModelConfig`.
        train: overrides of :class:`~mimml_edu.config.TrainConfig`.
        objective: overrides of :class:`~mimml_edu.config.ObjectiveConfig`.
    """

    name: str
    description: str
    model: dict[str, Any] = field(default_factory=dict)
    train: dict[str, Any] = field(default_factory=dict)
    objective: dict[str, Any] = field(default_factory=dict)

    def config(self):
        """The full :class:`~mimml_edu.config.Config` (input widths of the synthetic corpus)."""
        from mimml_edu.config import Config
        from mimml_edu.data.channels import DIMS

        train = {"epochs": 12, "early_stopping": 5, "seed": 0, **self.train}
        return Config.from_dict(
            {
                "model": {"input_dims": dict(DIMS), **self.model},
                "objective": dict(self.objective),
                "train": train,
            },
            where=f"recipe {self.name}",
        )


_UNIMODAL = {"mi_cpc": False, "mi_ba": False, "multitask": False}
RECIPES: dict[str, Recipe] = {
    r.name: r
    for r in [
        Recipe("mimml_full", "full MIMML (CPC, BA, multi-task, gated fusion)"),
        Recipe("mimml_no_mi", "MIMML without the MI terms", {"mi_cpc": False, "mi_ba": False}),
        Recipe("mimml_no_multitask", "MIMML without multi-task", {"multitask": False}),
        *[
            Recipe(
                f"unimodal_{m}",
                f"{m} alone (gated block, no MI, no multi-task)",
                {"modalities": [m], **_UNIMODAL},
            )
            for m in ("text", "audio", "video")
        ],
    ]
}


def checkpoint_path(name: str, directory: str | Path | None = None) -> Path:
    """The file of recipe ``name`` (in :data:`CHECKPOINT_DIR` unless ``directory`` is given)."""
    if name not in RECIPES:
        raise KeyError(f"unknown recipe {name!r}; known: {sorted(RECIPES)}")
    return Path(directory or CHECKPOINT_DIR) / f"chapter_{name}.pt"


def train_recipe(name: str, *, directory: str | Path | None = None, progress: bool = True) -> Path:
    """Train recipe ``name`` on the default synthetic corpus and write its checkpoint.

    Args:
        name: a key of :data:`RECIPES`.  directory: where to write (default the package's).
        progress: print one line per epoch.
    Returns:
        the path of the written checkpoint.
    """
    import torch

    from mimml_edu.data.synthetic import make_corpus
    from mimml_edu.train import fit, save_atomic

    recipe = RECIPES[name]
    config = recipe.config()
    corpus = make_corpus(seed=CORPUS_SEED)
    train, dev = corpus.split("train"), corpus.split("dev")
    snapshots: dict[str, list] = {}
    keys = None
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        result = None
        for epoch in range(1, config.train.epochs + 1):
            config.train.epochs = epoch
            result = fit(config, train, dev, out_dir=tmp, resume=True, progress=False)
            if result.labels is not None:
                last = torch.load(Path(tmp) / "last.pt", weights_only=True)
                for m, y in last["labels"]["labels"].items():
                    snapshots.setdefault(m, []).append(y.clone())
                keys = [list(k) for k in result.labels.index]
            if progress:
                f1 = result.history["dev/macro_f1"][-1]
                print(f"{name}: epoch {epoch} dev macro-F1 {f1:.3f}", flush=True)
            if result.stopped != "max epochs":
                break
        assert result is not None
    record = {
        "format": FORMAT,
        "name": name,
        "description": recipe.description,
        "config": recipe.config().to_dict(),  # the recipe's, not the last resume's epochs
        "epochs_run": len(result.history["elapsed"]),
        "corpus_seed": CORPUS_SEED,
        "model": {k: v.clone() for k, v in result.model.state_dict().items()},
        "history": result.history,
        "best_epoch": result.best_epoch,
        "best_dev_macro_f1": result.best_dev_macro_f1,
        "stopped": result.stopped,
        "wall_seconds": time.perf_counter() - start,
        "torch_version": str(torch.__version__),
    }
    if snapshots:
        record["label_snapshots"] = {m: torch.stack(v) for m, v in snapshots.items()}
        record["label_keys"] = keys
        record["label_y_m"] = result.labels.y_m.clone()
    path = checkpoint_path(name, directory)
    save_atomic(record, path)
    return path


def load_pretrained(
    name: str,
    *,
    directory: str | Path | None = None,
    train_if_missing: bool = True,
    device: str = "cpu",
):
    """Load a chapter checkpoint; train it first if it is missing (minutes on a laptop).

    Args:
        name: a key of :data:`RECIPES`.  directory: where checkpoints live.
        train_if_missing: train with :func:`train_recipe` when the file does not exist.
        device: where the model goes.
    Returns:
        (model in eval mode, its :class:`~mimml_edu.config.Config`, the checkpoint dict).
    """
    from mimml_edu.train import load_checkpoint

    path = checkpoint_path(name, directory)
    if not path.is_file():
        if not train_if_missing:
            raise FileNotFoundError(
                f"{path} not found; create it with `python -m mimml_edu.pretrained {name}`"
            )
        print(f"{path.name} not found: training it now (a few minutes)...", flush=True)
        train_recipe(name, directory=directory)
    return load_checkpoint(path, device=device, fmt=FORMAT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mimml_edu.pretrained", description="Train the chapter checkpoints."
    )
    parser.add_argument("names", nargs="*", help=f"recipes to train: {sorted(RECIPES)}")
    parser.add_argument("--all", action="store_true", help="train every recipe")
    parser.add_argument("--out", default=None, help=f"directory (default {CHECKPOINT_DIR})")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    args = parser.parse_args(argv)
    names = sorted(RECIPES) if args.all else args.names
    unknown = [n for n in names if n not in RECIPES]
    if not names or unknown:
        parser.error(f"name recipes from {sorted(RECIPES)} or pass --all (unknown: {unknown})")
    import torch

    torch.set_num_threads(args.threads)
    for name in names:
        path = train_recipe(name, directory=args.out)
        print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
